using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>The engine as its own process (its Release build), so its CPU and memory are measured apart from the load generator.</summary>
internal sealed class EngineProcess : IEngineHost
{
    private readonly Process _process;

    private EngineProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri RealtimeUri(string model) => new($"ws://{BaseAddress.Authority}/v1/realtime?model={model}");

    public string? TakeStageReport() => null;

    public static async Task<EngineProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var dll = EngineDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The engine did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[engine] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var engine = new EngineProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = engine.BaseAddress };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var response = await http.GetAsync(new Uri("v1/realtime", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.UpgradeRequired)
                {
                    return engine;
                }
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
            }

            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"The engine at {dll} did not come up.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>CPU time used so far and the resident set size.</summary>
    public (TimeSpan Cpu, long ResidentBytes) Sample()
    {
        _process.Refresh();
        return (_process.TotalProcessorTime, _process.WorkingSet64);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string EngineDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
        {
            directory = directory.Parent;
        }

        var dll = Path.Combine(directory?.FullName ?? ".", "src", "Conversations.RealtimeEngine", "bin", configuration, "net10.0", "Conversations.RealtimeEngine.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the engine first (building this project does).", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
