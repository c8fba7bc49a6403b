using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Conversations.Testing;

namespace Conversations.AppHost.Tests;

/// <summary>The AppHost started through Aspire.Hosting.Testing on free ports, with the dashboard: PostgreSQL, the engine and N silos.</summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string _scratch;

    private RunningSystem(DistributedApplication app, StackPorts ports, int silos, string scratch, TimeSpan timeToHealthy)
    {
        App = app;
        Ports = ports;
        Silos = silos;
        _scratch = scratch;
        TimeToHealthy = timeToHealthy;
    }

    public DistributedApplication App { get; }

    internal StackPorts Ports { get; }

    public int Silos { get; }

    public TimeSpan TimeToHealthy { get; }

    /// <summary>The dashboard's address: under Aspire.Hosting.Testing its ports are chosen at random, so read from its resource.</summary>
    public string DashboardUrl => DashboardVariable("ASPNETCORE_URLS").Split(';')[0].TrimEnd('/');

    /// <summary>The dashboard's login token (its browser token).</summary>
    public string DashboardToken => DashboardVariable("DASHBOARD__FRONTEND__BROWSERTOKEN");

    private string DashboardVariable(string name) =>
        App.ResourceNotifications.TryGetCurrentState("aspire-dashboard", out var dashboard)
            ? dashboard.Snapshot.EnvironmentVariables.First(v => v.Name == name).Value ?? ""
            : throw new InvalidOperationException("The dashboard does not run.");

    public static async Task<RunningSystem> StartAsync(int silos, CancellationToken cancellationToken)
    {
        var ports = StackPorts.Free(silos);
        var scratch = Directory.CreateTempSubdirectory("conversations-apphost-").FullName;
        // As root, PostgreSQL runs as 'postgres', which must reach its data folder.
        File.SetUnixFileMode(scratch, (UnixFileMode)0b111_101_101);
        var clock = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Conversations_AppHost>(
            [
                .. ports.Arguments(silos, Path.Combine(scratch, "postgres")),
                // Whatever the runner's environment holds, this system runs its own server and the offline engine.
                "ConnectionStrings:postgres=",
                "OPENAI_API_KEY=",
            ],
            (options, _) =>
            {
                options.DisableDashboard = false;
                options.AllowUnsecuredTransport = true;
            },
            cancellationToken);
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var system = new RunningSystem(app, ports, silos, scratch, TimeSpan.Zero);
        try
        {
            string[] resources = ["postgres", "engine", .. Enumerable.Range(0, silos).Select(i => $"silo-{i}")];
            await Task.WhenAll(resources.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken)))
                .WaitAsync(StartTimeout, cancellationToken);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        return new RunningSystem(app, ports, silos, scratch, clock.Elapsed);
    }

    /// <summary>Waits until the dashboard answers on its URL (it starts alongside the resources, and is not waited for by them).</summary>
    public async Task WaitForDashboardAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(DashboardUrl), TestContext.Current.CancellationToken);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(90),
            $"the dashboard answers at {DashboardUrl}");
    }

    /// <summary>A development token from <c>POST /api/v1/dev/tokens</c>.</summary>
    public async Task<string> TokenAsync(string userId, string tier = "premium")
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri($"{Ports.Silo(0)}/api/v1/dev/tokens"), new { user_id = userId, tier }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }
}
