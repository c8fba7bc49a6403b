using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Conversations.Relay.Benchmarks;

/// <summary>
/// Records one silo over EventPipe into a <c>.nettrace</c> file while the measured window runs, as
/// <c>dotnet-trace collect --profile cpu-sampling,gc-verbose</c> would: CPU samples of every managed thread, and the GC's
/// allocation ticks (one every ~100 KB allocated, with the type and the allocating stack). <see cref="TraceAnalysis"/> reads it.
/// </summary>
internal sealed class SiloTrace
{
    private readonly EventPipeSession _session;
    private readonly Task _copying;

    private SiloTrace(EventPipeSession session, string path)
    {
        _session = session;
        Path = path;
        _copying = Task.Run(async () =>
        {
            await using var file = File.Create(path);
            await session.EventStream.CopyToAsync(file);
        });
    }

    public string Path { get; }

    public static SiloTrace Start(int pid, string path)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.Default | ClrTraceEventParser.Keywords.GC);
        var session = new DiagnosticsClient(pid).StartEventPipeSession(
            [
                new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, keywords),
            ],
            requestRundown: true);
        return new SiloTrace(session, path);
    }

    /// <summary>Ends the session (the rundown names the methods) and waits for the file.</summary>
    public async Task StopAsync()
    {
        await _session.StopAsync(CancellationToken.None);
        await _copying;
        _session.Dispose();
    }
}
