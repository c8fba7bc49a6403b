using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;
using Conversations.AppHost.Hosting;
using Conversations.Testing;

namespace Conversations.AppHost.Tests;

/// <summary>The real AppHost run as <c>dotnet Conversations.AppHost.dll</c> on free ports, its output captured line by line.</summary>
internal sealed partial class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AppHostProcess(Process process, AppHostPorts ports)
    {
        _process = process;
        Ports = ports;
    }

    public AppHostPorts Ports { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static AppHostProcess Start(AppHostPorts ports, string dataDirectory)
    {
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var dll = Path.Combine(Repository.Root, "AppHost", "bin", configuration, "net10.0", "Conversations.AppHost.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[]
        {
            dll, "--silo-port", ports.Silo.ToString(CultureInfo.InvariantCulture), "--engine-port", ports.Engine.ToString(CultureInfo.InvariantCulture),
            "--postgres-port", ports.Postgres.ToString(CultureInfo.InvariantCulture), "--data-dir", dataDirectory, "--configuration", configuration,
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Whatever the test runner's environment holds, this AppHost starts its own server and talks to its own engine.
        foreach (var variable in new[] { "ConnectionStrings__postgres", "OPENAI_API_KEY", "Upstream__Endpoint", "Upstream__ApiKey", "OTEL_EXPORTER_OTLP_ENDPOINT" })
        {
            start.Environment.Remove(variable);
        }

        start.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = start };
        var host = new AppHostProcess(process, ports);
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public Task WaitUntilReadyAsync() => Eventually.UntilAsync(
        () => _lines.Any(l => l.Contains("Press Ctrl+C to stop everything", StringComparison.Ordinal)) || _process.HasExited,
        TimeSpan.FromSeconds(90),
        "the AppHost prints its banner");

    /// <summary>Pids of the children it started, read from its "started X (pid N)" lines.</summary>
    public IReadOnlyDictionary<string, int> Children() => _lines
        .Select(l => StartedLine().Match(l))
        .Where(m => m.Success)
        .ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(new CancellationTokenSource(timeout).Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    [GeneratedRegex(@"started (?<name>\S+) \(pid (?<pid>\d+)\)")]
    private static partial Regex StartedLine();
}

/// <summary>Free loopback ports for one AppHost run (silo 0, engine, PostgreSQL).</summary>
internal sealed record AppHostPorts(int Silo, int Engine, int Postgres)
{
    public static AppHostPorts Free() => new(FreePort(), FreePort(), FreePort());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
