using System.Diagnostics;

namespace Conversations.Relay.Benchmarks;

/// <summary>Round-trip percentiles of a set of frames, and how many were lost.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max, int Frames, int Lost)
{
    public static Percentiles Of(List<float> roundTrips, int lost)
    {
        if (roundTrips.Count == 0)
        {
            return new Percentiles(double.NaN, double.NaN, double.NaN, double.NaN, 0, lost);
        }

        roundTrips.Sort();
        double At(double q) => roundTrips[Math.Min(roundTrips.Count - 1, (int)Math.Ceiling(q * roundTrips.Count) - 1)];
        return new Percentiles(At(0.50), At(0.95), At(0.99), roundTrips[^1], roundTrips.Count, lost);
    }

    /// <summary>Each percentile of <paramref name="gateway"/> minus the same percentile of <paramref name="direct"/>.</summary>
    public static Percentiles Difference(Percentiles gateway, Percentiles direct) =>
        new(gateway.P50 - direct.P50, gateway.P95 - direct.P95, gateway.P99 - direct.P99, gateway.Max - direct.Max, gateway.Frames, gateway.Lost);
}

/// <summary>CPU per process (percent of one core) and the machine's load over a measured window.</summary>
internal sealed record CpuUsage(IReadOnlyList<(string Name, double Percent)> Processes, double OtherPercent, double LoadBefore, double LoadAfter);

/// <summary>Samples the CPU time of the stack's processes, the load generator and the whole machine over a window.</summary>
internal sealed class CpuWindow
{
    private readonly List<(string Name, Func<double> Cpu)> _sources = [];
    private double[] _start = [];
    private double _machineStart;
    private long _startedAt;
    private double _loadBefore;

    public CpuWindow(RelayStack stack)
    {
        foreach (var silo in stack.Silos)
        {
            var pid = silo.Id;
            _sources.Add((silo.Name, () => ProcessStats.CpuSeconds(pid)));
        }

        var engine = stack.Engine.Id;
        _sources.Add(("engine", () => ProcessStats.CpuSeconds(engine)));
        var postgres = stack.PostgresProcessId;
        _sources.Add(("postgres", () => ProcessStats.CpuSeconds(postgres, withChildren: true)));
        _sources.Add(("load generator", () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds));
    }

    public void Start()
    {
        _loadBefore = ProcessStats.LoadAverage();
        _start = _sources.Select(s => s.Cpu()).ToArray();
        _machineStart = ProcessStats.MachineBusySeconds();
        _startedAt = Stopwatch.GetTimestamp();
    }

    public CpuUsage Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        var used = _sources.Select((s, i) => (s.Name, Seconds: Math.Max(0, s.Cpu() - _start[i]))).ToList();
        var machine = ProcessStats.MachineBusySeconds() - _machineStart;
        var other = Math.Max(0, machine - used.Sum(u => u.Seconds));
        return new CpuUsage(used.Select(u => (u.Name, 100 * u.Seconds / seconds)).ToList(), 100 * other / seconds, _loadBefore, ProcessStats.LoadAverage());
    }
}
