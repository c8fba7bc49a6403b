using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Conversations.Testing;

namespace Conversations.AppHost.Tests;

/// <summary>The built AppHost run as its own process, as scripts/run.sh runs it (so it can be signalled and killed), output captured.</summary>
internal sealed class AppHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private AppHostProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    /// <summary>From the start until the ready banner.</summary>
    public TimeSpan TimeToReady { get; private set; }

    public static AppHostProcess Start(StackPorts ports, string dataDirectory)
    {
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot(), "AppHost", "bin", configuration, "net10.0", "Conversations.AppHost"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in ports.Arguments(silos: 1, dataDirectory))
        {
            start.ArgumentList.Add(argument);
        }

        // As scripts/run.sh sets them; whatever the runner's environment holds, this AppHost runs its own server and engine.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("ConnectionStrings__postgres");
        start.Environment.Remove("OPENAI_API_KEY");
        var process = new Process { StartInfo = start };
        var host = new AppHostProcess(process);
        process.OutputDataReceived += (_, e) => host.Add(e.Data);
        process.ErrorDataReceived += (_, e) => host.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitUntilReadyAsync()
    {
        await Eventually.UntilAsync(
            () => _lines.Any(l => l.Contains("Press Ctrl+C to stop everything", StringComparison.Ordinal)) || _process.HasExited,
            TimeSpan.FromMinutes(2),
            "the AppHost prints its ready banner");
        _process.HasExited.ShouldBeFalse(Output);
        TimeToReady = _clock.Elapsed;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
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

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Conversations.sln not found above the test's folder.");
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
