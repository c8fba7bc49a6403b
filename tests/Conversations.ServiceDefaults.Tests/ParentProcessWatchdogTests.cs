using System.Diagnostics;
using System.Globalization;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Conversations.ServiceDefaults.Tests;

public sealed class ParentProcessWatchdogTests
{
    [Fact]
    public async Task The_application_stops_when_the_parent_process_is_gone()
    {
        using var parent = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["CONVERSATIONS_PARENT_PID"] = parent.Id.ToString(CultureInfo.InvariantCulture),
        });
        var stopping = app.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        stopping.IsCancellationRequested.ShouldBeFalse("the parent still runs");

        parent.Kill();
        await parent.WaitForExitAsync(TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(() => stopping.IsCancellationRequested, TimeSpan.FromSeconds(5), "the application stops");
    }

    [Fact]
    public async Task A_parent_that_is_already_gone_stops_the_application_at_once()
    {
        using var parent = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await parent.WaitForExitAsync(TestContext.Current.CancellationToken);
        var pid = parent.Id;
        parent.Dispose();

        await using var app = TestApp.CreateBuilder(new Dictionary<string, string?>
        {
            ["CONVERSATIONS_PARENT_PID"] = pid.ToString(CultureInfo.InvariantCulture),
        }).Build();

        // It may stop while it is still starting: then RunAsync ends cancelled, which is fine; hanging is not.
        var run = app.RunAsync();
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }

        run.IsCompleted.ShouldBeTrue();
    }
}
