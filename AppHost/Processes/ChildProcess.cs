using System.Diagnostics;
using System.Globalization;
using System.Net;
using Conversations.AppHost.Console;

namespace Conversations.AppHost.Processes;

/// <summary>What to run as a child: a built .NET web app, its URL, where it says it is ready, and its environment.</summary>
public sealed record ChildProcessSpec(
    string Name,
    string AssemblyPath,
    string WorkingDirectory,
    Uri Url,
    string ReadyPath,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>A web app run as <c>dotnet X.dll</c>, its output prefixed with its name; stopped with SIGTERM, then killed.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(3) };
    private readonly Process _process;
    private readonly ConsoleOutput _output;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    private ChildProcess(ChildProcessSpec spec, Process process, ConsoleOutput output)
    {
        Spec = spec;
        _process = process;
        _output = output;
    }

    public ChildProcessSpec Spec { get; }

    public string Name => Spec.Name;

    public int Id => _process.Id;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _exited.Task;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(ChildProcessSpec spec, ConsoleOutput output)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        if (!File.Exists(spec.AssemblyPath))
        {
            throw new InvalidOperationException($"{spec.AssemblyPath} does not exist; build it first (dotnet build AppHost builds it).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory,
        };
        start.ArgumentList.Add(spec.AssemblyPath);
        foreach (var (key, value) in spec.Environment)
        {
            start.Environment[key] = value;
        }

        output.Register(spec.Name);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(spec, process, output);
        process.OutputDataReceived += (_, e) => child.Print(e.Data);
        process.ErrorDataReceived += (_, e) => child.Print(e.Data);
        process.Exited += (_, _) => child.OnExited();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {spec.Name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output.Info($"started {spec.Name} (pid {process.Id.ToString(CultureInfo.InvariantCulture)}) on {spec.Url.AbsoluteUri.TrimEnd('/')}");
        return child;
    }

    /// <summary>Polls the ready path until it answers 200 (falls back to <c>/health/live</c> where ready is not mapped).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var path = Spec.ReadyPath;
        var last = "no answer yet";
        while (deadline.Elapsed < timeout)
        {
            if (Exited.IsCompleted)
            {
                throw new InvalidOperationException($"{Name} exited with code {ExitCode?.ToString(CultureInfo.InvariantCulture)} before it was ready (see its output above).");
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(Spec.Url, path), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                if (response.StatusCode == HttpStatusCode.NotFound && !string.Equals(path, "/health/live", StringComparison.Ordinal))
                {
                    _output.Info($"{Name} has no {path}; waiting for /health/live instead");
                    path = "/health/live";
                    continue;
                }

                last = $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = $"{path} did not answer within {Probe.Timeout.TotalSeconds:0} s";
            }

            await Task.WhenAny(Task.Delay(250, cancellationToken), Exited);
        }

        throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:0} s: {last}");
    }

    /// <summary>From now on an exit is expected, not reported as a failure.</summary>
    public void MarkStopping() => _stopping = true;

    /// <summary>SIGTERM (ASP.NET Core shuts down gracefully on it), then SIGKILL after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        if (Exited.IsCompleted)
        {
            return;
        }

        Signals.Terminate(_process.Id);
        if (await Task.WhenAny(Exited, Task.Delay(timeout)) != Exited)
        {
            _output.Error($"{Name} did not stop within {timeout.TotalSeconds:0} s; killing it");
            _process.Kill(entireProcessTree: true);
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
        {
            await StopAsync(TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }

    private void Print(string? line)
    {
        if (line is not null)
        {
            _output.Line(Name, line);
        }
    }

    private void OnExited()
    {
        // Let the output readers drain the last lines before reporting the exit.
        _process.WaitForExit();
        var code = _process.ExitCode.ToString(CultureInfo.InvariantCulture);
        if (_stopping)
        {
            _output.Info($"{Name} stopped (exit code {code})");
        }
        else
        {
            _output.Error($"{Name} exited unexpectedly with code {code}");
        }

        _exited.TrySetResult();
    }
}
