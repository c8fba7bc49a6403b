using System.Diagnostics;
using System.Globalization;
using System.Net;
using Conversations.Testing;

namespace Conversations.AppHost.Tests;

/// <summary>The AppHost as scripts/run.sh runs it: what it prints, and what is left after SIGTERM or kill -9.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("conversations-apphost-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public RunCommandTests() => File.SetUnixFileMode(_scratch, (UnixFileMode)0b111_101_101);

    private string Data => Path.Combine(_scratch, "postgres");

    [Fact]
    public async Task It_prints_where_everything_is_once_healthy_and_neither_kill_9_nor_SIGTERM_leaves_a_process()
    {
        var ports = StackPorts.Free(silos: 1);
        IReadOnlyDictionary<int, string> stack;
        TimeSpan firstStart;
        using (var first = AppHostProcess.Start(ports, Data))
        {
            await first.WaitUntilReadyAsync();
            firstStart = first.TimeToReady;
            stack = StackProcesses.Of(first.Id);

            first.Output.ShouldMatch($@"Aspire dashboard +{ports.DashboardUrl}/login\?t=[0-9a-f]{{16,}}");
            first.Output.ShouldContain($"ws://127.0.0.1:{ports.Http(0).ToString(CultureInfo.InvariantCulture)}/v1/realtime?model=<character_id>");
            first.Output.ShouldContain($"wss://localhost:{ports.Https(0).ToString(CultureInfo.InvariantCulture)}/v1/realtime?model=<character_id>");
            first.Output.ShouldContain($"{ports.Silo(0)}/api/v1/dev/tokens");
            first.Output.ShouldContain($"{ports.Silo(0)}/openapi/v1.json");
            first.Output.ShouldContain($"http://127.0.0.1:{ports.Engine.ToString(CultureInfo.InvariantCulture)}/v1");
            first.Output.ShouldContain(Path.Combine(AppHostProcess.RepositoryRoot(), ".data", "secrets", "localhost.crt"));
            (await StatusAsync($"{ports.Silo(0)}/health/ready")).ShouldBe(HttpStatusCode.OK, first.Output);
            (await StatusAsync($"{ports.DashboardUrl}/")).ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.Unauthorized);

            var killed = Stopwatch.StartNew();
            first.Signal("KILL");
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await Eventually.UntilAsync(() => StackProcesses.StillRunning(stack).Count == 0, TimeSpan.FromSeconds(30), "every process of the killed AppHost's stack exits");
            TestContext.Current.TestOutputHelper?.WriteLine($"ready after {firstStart.TotalSeconds:0.0} s ({stack.Count} processes); all gone {killed.Elapsed.TotalSeconds:0.0} s after kill -9");
        }

        // Started again at once, on the same ports and data.
        using var second = AppHostProcess.Start(ports, Data);
        await second.WaitUntilReadyAsync();
        (await StatusAsync($"{ports.Silo(0)}/health/ready")).ShouldBe(HttpStatusCode.OK, second.Output);
        // Under 20 s on a quiet machine (8-12 s); relative here, as other work may share the cores: what must not
        // happen is waiting for what the killed run left (a lock, a port, a silo the cluster still believes alive).
        second.TimeToReady.ShouldBeLessThan(firstStart + TimeSpan.FromSeconds(10), second.Output);

        var again = StackProcesses.Of(second.Id);
        var stopping = Stopwatch.StartNew();
        second.Signal("TERM");
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(() => StackProcesses.StillRunning(again).Count == 0, TimeSpan.FromSeconds(30), "every process of the second stack exits");
        TestContext.Current.TestOutputHelper?.WriteLine($"the next start was ready after {second.TimeToReady.TotalSeconds:0.0} s; all gone {stopping.Elapsed.TotalSeconds:0.0} s after SIGTERM");
        File.Exists(Path.Combine(Data, "postmaster.pid")).ShouldBeFalse("PostgreSQL shut down cleanly");
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task<HttpStatusCode> StatusAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
