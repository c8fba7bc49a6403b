using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Conversations.Relay.Benchmarks;

/// <summary>What a silo's runtime did in a window: bytes allocated, GC pauses, thread-pool queue.</summary>
internal sealed record RuntimeFigures(double AllocatedBytes, IReadOnlyList<float> GcPausesMs, int Gen0, int Gen1, int Gen2, double MaxThreadPoolQueue, double MaxThreads);

/// <summary>
/// Listens to a .NET process over EventPipe (as dotnet-counters does): the System.Runtime counters (allocation rate,
/// thread pool) and the GC's own events (each pause from suspension to restart), so every run reports them per frame.
/// </summary>
internal sealed class RuntimeWatch : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Lock _gate = new();
    private readonly Task _processing;
    private bool _measuring;
    private double _allocated;
    private readonly List<float> _pauses = [];
    private readonly int[] _generations = new int[3];
    private double _suspendedAt = -1;
    private double _maxQueue;
    private double _maxThreads;

    private RuntimeWatch(EventPipeSession session)
    {
        _session = session;
        var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCSuspendEEStart += e => _suspendedAt = e.TimeStampRelativeMSec;
        source.Clr.GCStart += e => Count(() => _generations[Math.Min(2, e.Depth)]++);
        source.Clr.GCRestartEEStop += e =>
        {
            if (_suspendedAt >= 0)
            {
                var pause = (float)(e.TimeStampRelativeMSec - _suspendedAt);
                _suspendedAt = -1;
                Count(() => _pauses.Add(pause));
            }
        };
        source.Dynamic.All += e =>
        {
            if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer || outer["Payload"] is not IDictionary<string, object> counter)
            {
                return;
            }

            var name = counter["Name"] as string;
            switch (name)
            {
                case "alloc-rate":
                    Count(() => _allocated += Convert.ToDouble(counter["Increment"], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "threadpool-queue-length":
                    Count(() => _maxQueue = Math.Max(_maxQueue, Convert.ToDouble(counter["Max"], System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case "threadpool-thread-count":
                    Count(() => _maxThreads = Math.Max(_maxThreads, Convert.ToDouble(counter["Max"], System.Globalization.CultureInfo.InvariantCulture)));
                    break;
            }
        };
        _processing = Task.Run(() =>
        {
            try
            {
                source.Process();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or InvalidOperationException)
            {
                // The process went away (a killed silo).
            }
        });
    }

    public static RuntimeWatch? TryStart(int pid)
    {
        try
        {
            var client = new DiagnosticsClient(pid);
            var session = client.StartEventPipeSession(
                [
                    new EventPipeProvider("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
                    new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
                ],
                requestRundown: false);
            return new RuntimeWatch(session);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            Console.Error.WriteLine($"  (no EventPipe session on {pid}: {e.Message})");
            return null;
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            (_measuring, _allocated, _maxQueue, _maxThreads) = (true, 0, 0, 0);
            _pauses.Clear();
            Array.Clear(_generations);
        }
    }

    public RuntimeFigures Stop()
    {
        lock (_gate)
        {
            _measuring = false;
            return new RuntimeFigures(_allocated, [.. _pauses], _generations[0], _generations[1], _generations[2], _maxQueue, _maxThreads);
        }
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException or ObjectDisposedException)
        {
        }

        _processing.Wait(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }

    private void Count(Action update)
    {
        lock (_gate)
        {
            if (_measuring)
            {
                update();
            }
        }
    }
}
