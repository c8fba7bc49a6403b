using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Conversations.RealtimeEngine.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>Where the engine under load runs: its own process (clean CPU and memory figures) or this one (stage histograms).</summary>
internal interface IEngineHost : IAsyncDisposable
{
    Uri RealtimeUri(string model);

    (TimeSpan Cpu, long ResidentBytes) Sample();

    /// <summary>Per-stage latency figures since the last call, or nothing when the host cannot see them.</summary>
    string? TakeStageReport();
}

/// <summary>The engine in this process, with a listener on its histograms.</summary>
internal sealed class InProcessEngine : IEngineHost
{
    private readonly RealtimeEngineServer _server;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _stages = new(StringComparer.Ordinal);
    private readonly Lock _busyGate = new();
    private double _busySeconds;
    private long _busySince;
    private long _allocatedSince = GC.GetTotalAllocatedBytes();
    private int[] _gcSince = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    private InProcessEngine(RealtimeEngineServer server)
    {
        _server = server;
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (string.Equals(instrument.Meter.Name, EngineMetrics.MeterName, StringComparison.Ordinal) && ReferenceEquals(instrument.Meter.Scope, factory) && instrument is Histogram<double> or Counter<double>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument is Counter<double>)
            {
                lock (_busyGate)
                {
                    _busySeconds += value;
                }

                return;
            }

            var name = tags.Length > 0 ? $"{instrument.Name}[{tags[0].Value}]" : instrument.Name;
            _stages.GetOrAdd(name, _ => []).Add(value * 1000);
        });
        _busySince = System.Diagnostics.Stopwatch.GetTimestamp();
        _listener.Start();
    }

    public static async Task<InProcessEngine> StartAsync(IReadOnlyDictionary<string, string> settings) =>
        new(await RealtimeEngineServer.StartAsync(configuration =>
        {
            foreach (var (key, value) in settings)
            {
                configuration[key] = value;
            }
        }));

    public Uri RealtimeUri(string model) => new(_server.RealtimeUri, $"?model={model}");

    public (TimeSpan Cpu, long ResidentBytes) Sample()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return (process.TotalProcessorTime, process.WorkingSet64);
    }

    public string? TakeStageReport()
    {
        var lines = new List<string>();
        foreach (var name in _stages.Keys.Order(StringComparer.Ordinal))
        {
            if (_stages.TryRemove(name, out var bag) && !bag.IsEmpty)
            {
                var sorted = bag.Order().ToList();
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"    {name}: n={sorted.Count} p50={sorted[sorted.Count / 2]:0} ms p95={sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.95))]:0} ms max={sorted[^1]:0} ms"));
            }
        }

        lock (_busyGate)
        {
            var wall = System.Diagnostics.Stopwatch.GetElapsedTime(_busySince).TotalSeconds;
            var allocated = GC.GetTotalAllocatedBytes() - _allocatedSince;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"    speech workers busy: {_busySeconds / wall / Environment.ProcessorCount:P0} of their wall time; allocated {allocated / wall / 1048576:0.0} MB/s; GCs gen0/1/2: {GC.CollectionCount(0) - _gcSince[0]}/{GC.CollectionCount(1) - _gcSince[1]}/{GC.CollectionCount(2) - _gcSince[2]}"));
            _busySeconds = 0;
            _busySince = System.Diagnostics.Stopwatch.GetTimestamp();
            _allocatedSince = GC.GetTotalAllocatedBytes();
            _gcSince = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        }

        return string.Join(Environment.NewLine, lines);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _server.DisposeAsync();
    }
}
