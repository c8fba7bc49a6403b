using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Conversations.Grains.Telemetry;

/// <summary>Relay latencies of one conversation: each goes to the histogram, and the last ones feed per-response percentiles.</summary>
internal sealed class RelayLatencySamples(Histogram<double> histogram)
{
    private readonly double[] _samples = new double[512];
    private int _count;

    /// <summary>Records the time since <paramref name="receivedAt"/> (a <see cref="Stopwatch"/> timestamp). Allocation-free.</summary>
    public void Record(long receivedAt)
    {
        var ms = Stopwatch.GetElapsedTime(receivedAt).TotalMilliseconds;
        histogram.Record(ms);
        _samples[_count % _samples.Length] = ms;
        _count++;
    }

    /// <summary>p50 and p95 of the samples since the last call, or null when there were none.</summary>
    public (double P50, double P95)? TakePercentiles()
    {
        var n = Math.Min(_count, _samples.Length);
        _count = 0;
        if (n == 0)
        {
            return null;
        }

        var sorted = _samples.AsSpan(0, n);
        sorted.Sort();
        return (sorted[(n - 1) / 2], sorted[(int)Math.Ceiling(0.95 * n) - 1]);
    }
}
