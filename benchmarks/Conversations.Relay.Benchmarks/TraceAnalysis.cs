using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Conversations.Relay.Benchmarks;

/// <summary>
/// Reads a <c>dotnet-trace</c> file of a silo under load: bytes allocated per relayed frame by type and by the call
/// stack that allocated them (GC AllocationTick, profile <c>gc-verbose</c>), and where the CPU samples fall
/// (profile <c>cpu-sampling</c>), inclusive and exclusive, by method.
/// </summary>
internal static class TraceAnalysis
{
    public static void Print(string nettrace, double framesPerSecond, int top)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(nettrace);
        using var log = new TraceLog(etlx);
        var source = log.Events.GetSource();
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var byStack = new Dictionary<string, long>(StringComparer.Ordinal);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var hotStacks = new Dictionary<string, int>(StringComparer.Ordinal);
        long allocated = 0;
        var samples = 0;
        var waiting = 0;
        double first = double.NaN, last = 0;
        source.Clr.GCAllocationTick += e =>
        {
            first = double.IsNaN(first) ? e.TimeStampRelativeMSec : first;
            last = e.TimeStampRelativeMSec;
            allocated += e.AllocationAmount64;
            Add(byType, e.TypeName ?? "?", e.AllocationAmount64);
            Add(byStack, $"{e.TypeName} ← {Frames(e.CallStack(), 6)}", e.AllocationAmount64);
        };
        var pauses = new List<float>();
        var generations = new int[3];
        double suspendedAt = -1;
        source.Clr.GCSuspendEEStart += e => suspendedAt = e.TimeStampRelativeMSec;
        source.Clr.GCStart += e => generations[Math.Min(2, e.Depth)]++;
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspendedAt >= 0)
            {
                pauses.Add((float)(e.TimeStampRelativeMSec - suspendedAt));
                suspendedAt = -1;
            }
        };
        source.AllEvents += e =>
        {
            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler")
            {
                return;
            }

            var stack = e.CallStack();
            if (stack is null)
            {
                return;
            }

            first = double.IsNaN(first) ? e.TimeStampRelativeMSec : first;
            last = e.TimeStampRelativeMSec;
            if (IsWaiting(stack))
            {
                waiting++;
                return;
            }

            samples++;
            Add(exclusive, Name(stack), 1);
            Add(hotStacks, Frames(stack, 8), 1);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var name = Name(frame);
                if (seen.Add(name))
                {
                    Add(inclusive, name, 1);
                }
            }
        };
        source.Process();
        var seconds = (last - first) / 1000;
        var frames = framesPerSecond * seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{nettrace}: {seconds:0.0} s, {frames:0} frames at {framesPerSecond:0}/s"));
        if (allocated > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated {allocated / frames:0} B per frame (sampled every ~100 KB); by type:"));
            foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / frames,8:0} B  {type}"));
            }

            Console.WriteLine("by allocating stack:");
            foreach (var (stack, bytes) in byStack.OrderByDescending(p => p.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / frames,8:0} B  {stack}"));
            }
        }

        if (pauses.Count > 0)
        {
            var p = Percentiles.Of(pauses, 0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GC: {generations[0]} gen0, {generations[1]} gen1, {generations[2]} gen2; pauses p50 {p.P50:0.00} ms, p99 {p.P99:0.00} ms, max {p.Max:0.00} ms; paused {pauses.Sum() / seconds / 10:0.0}% of the time"));
        }

        if (samples > 0)
        {
            Console.WriteLine($"CPU samples {samples} of threads at work ({waiting} more of threads waiting: left out); exclusive:");
            foreach (var (method, count) in exclusive.OrderByDescending(p => p.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * count / samples,6:0.0}%  {method}"));
            }

            Console.WriteLine("by stack (innermost first):");
            foreach (var (stack, count) in hotStacks.OrderByDescending(p => p.Value).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * count / samples,6:0.0}%  {stack}"));
            }

            Console.WriteLine("inclusive:");
            foreach (var (method, count) in inclusive.OrderByDescending(p => p.Value).Take(top * 3))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * count / samples,6:0.0}%  {method}"));
            }
        }
    }

    private static void Add<T>(Dictionary<string, T> map, string key, T value)
        where T : System.Numerics.INumber<T> =>
        map[key] = map.TryGetValue(key, out var current) ? current + value : value;

    /// <summary>
    /// The sample profiler samples every managed thread, blocked or not: a thread whose stack shows it parked (a pool
    /// thread blocked waiting for work, the socket engine's epoll wait, timers, watchers, Main waiting for shutdown) is
    /// not at work. A pool thread spinning for work before it blocks (LowLevelLifoSemaphore.Wait above the spin) is: it burns CPU.
    /// </summary>
    private static bool IsWaiting(TraceCallStack stack)
    {
        // Native frames (no name) are skipped: the first managed frames say what the thread is doing.
        var depth = 0;
        for (var frame = stack; frame is not null && depth < 3; frame = frame.Caller)
        {
            var name = Name(frame);
            if (name.EndsWith("!?", StringComparison.Ordinal))
            {
                continue;
            }

            if (depth == 0 && (name.EndsWith("WorkerThread.WorkerThreadStart()", StringComparison.Ordinal) || name.EndsWith("SocketAsyncEngine.EventLoop()", StringComparison.Ordinal)))
            {
                return true; // A pool thread in its native wait for work; the socket engine in epoll_wait.
            }

            foreach (var parked in ParkedMethods)
            {
                if (name.Contains(parked, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            depth++;
        }

        return depth == 0; // A native thread with no managed frame.
    }

    private static readonly string[] ParkedMethods =
    [
        "LowLevelLifoSemaphore.WaitForSignal", "WaitHandle.Wait", "Monitor.Wait(", "ManualResetEventSlim.Wait", "SpinThenBlockingWait",
        "WaitForSocketEvents", "Thread.Sleep", "FileSystemWatcher", "TimerQueue.TimerThread", "ConsoleLoggerProcessor",
    ];

    private static string Frames(TraceCallStack? stack, int count)
    {
        var names = new List<string>(count);
        for (var frame = stack; frame is not null && names.Count < count; frame = frame.Caller)
        {
            var name = Name(frame);
            if (!name.StartsWith("System.Private.CoreLib!System.Runtime.CompilerServices", StringComparison.Ordinal) && !name.Contains("AsyncMethodBuilder", StringComparison.Ordinal))
            {
                // Without the module and the parameters: the chain stays readable.
                var method = name[(name.IndexOf('!', StringComparison.Ordinal) + 1)..];
                var parameters = method.IndexOf('(', StringComparison.Ordinal);
                names.Add(parameters > 0 ? method[..parameters] : method);
            }
        }

        return string.Join(" ← ", names);
    }

    private static string Name(TraceCallStack frame)
    {
        var address = frame.CodeAddress;
        var method = address.FullMethodName;
        return string.IsNullOrEmpty(method) ? $"{address.ModuleName}!?" : $"{address.ModuleName}!{method}";
    }
}
