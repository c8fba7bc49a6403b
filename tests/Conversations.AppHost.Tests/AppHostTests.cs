using System.Diagnostics;
using System.Globalization;
using System.Net;
using Conversations.Testing;

namespace Conversations.AppHost.Tests;

public sealed class AppHostTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "conversations-apphost-tests", Guid.NewGuid().ToString("N"), "postgres");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Starts_postgres_the_engine_and_a_silo_prints_the_urls_and_stops_everything_on_SIGINT()
    {
        using var host = AppHostProcess.Start(AppHostPorts.Free(), _data);
        await host.WaitUntilReadyAsync();
        host.HasExited.ShouldBeFalse(host.Output);

        var silo = $"http://127.0.0.1:{host.Ports.Silo.ToString(CultureInfo.InvariantCulture)}";
        var engine = $"http://127.0.0.1:{host.Ports.Engine.ToString(CultureInfo.InvariantCulture)}";
        host.Output.ShouldContain($"ws://127.0.0.1:{host.Ports.Silo.ToString(CultureInfo.InvariantCulture)}/v1/realtime");
        host.Output.ShouldContain($"{silo}/api/v1/dev/tokens");
        host.Output.ShouldContain($"{engine}/v1");
        (await StatusAsync($"{silo}/health/ready")).ShouldBe(HttpStatusCode.OK, host.Output);
        (await StatusAsync($"{engine}/health/live")).ShouldBe(HttpStatusCode.OK, host.Output);
        var children = host.Children();
        var postmaster = PostmasterPid();

        host.Signal("INT");

        (await host.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, host.Output);
        children.Values.ShouldAllBe(pid => !IsRunning(pid));
        IsRunning(postmaster).ShouldBeFalse("PostgreSQL is stopped");
        File.Exists(Path.Combine(_data, "postmaster.pid")).ShouldBeFalse();
    }

    [Fact]
    public async Task After_kill_9_its_children_and_postgres_go_away_and_the_next_start_works()
    {
        var ports = AppHostPorts.Free();
        int postmaster;
        IReadOnlyDictionary<string, int> children;
        using (var first = AppHostProcess.Start(ports, _data))
        {
            await first.WaitUntilReadyAsync();
            first.HasExited.ShouldBeFalse(first.Output);
            children = first.Children();
            postmaster = PostmasterPid();
            first.Signal("KILL");
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        // Started again at once, on the same ports and data: it waits for the old children to leave, then starts.
        using var second = AppHostProcess.Start(ports, _data);
        await second.WaitUntilReadyAsync();
        second.HasExited.ShouldBeFalse(second.Output);
        (await StatusAsync($"http://127.0.0.1:{ports.Silo.ToString(CultureInfo.InvariantCulture)}/health/ready")).ShouldBe(HttpStatusCode.OK, second.Output);
        await Eventually.UntilAsync(() => children.Values.All(pid => !IsRunning(pid)), TimeSpan.FromSeconds(15), "the first AppHost's children exit");
        await Eventually.UntilAsync(() => !IsRunning(postmaster), TimeSpan.FromSeconds(15), "the first PostgreSQL server stops");

        second.Signal("TERM");
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, second.Output);
        second.Children().Values.ShouldAllBe(pid => !IsRunning(pid));
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<HttpStatusCode> StatusAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private int PostmasterPid() => int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    // Gone, or a zombie nobody has reaped yet.
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
