using System.Diagnostics;
using System.Globalization;

namespace Conversations.EndToEnd.Tests;

/// <summary>A silo as its own OS process (its built dll), so a test can kill it with SIGKILL.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private SiloProcess(Process process, string name, Uri baseUrl)
    {
        _process = process;
        Name = name;
        BaseUrl = baseUrl;
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the silo wrote to its console (warnings and errors; the log level is Warning).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public static async Task<SiloProcess> StartAsync(string database, Uri engine, string name, IDictionary<string, string>? settings = null)
    {
        var port = TestSilo.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var dll = SiloDll();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        start.Environment["ConnectionStrings__postgres"] = database;
        start.Environment["Upstream__Endpoint"] = new Uri(engine, "v1").ToString();
        start.Environment["Orleans__Name"] = name;
        start.Environment["Orleans__Endpoints__SiloPort"] = TestSilo.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__Endpoints__GatewayPort"] = TestSilo.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["CONVERSATIONS_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var silo = new SiloProcess(process, name, url);
        process.OutputDataReceived += (_, line) => silo.Record(line.Data);
        process.ErrorDataReceived += (_, line) => silo.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        await silo.DisposeAsync();
        throw new InvalidOperationException($"{name} did not become ready (exited: {process.HasExited}).");
    }

    /// <summary>SIGSTOP: the process stops dead, sockets open, until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT.</summary>
    public void Thaw() => Signal("CONT");

    /// <summary>kill -9: no shutdown, no hand-over, no goodbye.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Thaw();
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The silo built next to this test (same configuration), as the AppHost runs it.</summary>
    private static string SiloDll()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = directory.Parent!.Name; // bin/<configuration>/net10.0
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
        {
            directory = directory.Parent;
        }

        var dll = Path.Combine(directory!.FullName, "src", "Conversations.Silo", "bin", configuration, "net10.0", "Conversations.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the silo first.", dll);
    }
}
