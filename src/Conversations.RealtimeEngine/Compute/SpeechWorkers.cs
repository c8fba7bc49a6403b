using System.Diagnostics;
using Conversations.RealtimeEngine.Telemetry;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Compute;

/// <summary>A piece of CPU-bound speech work (decoding, synthesis) that a worker thread runs.</summary>
internal interface ISpeechWork
{
    void Execute();
}

/// <summary>How soon work must run.</summary>
internal enum SpeechPriority
{
    /// <summary>On someone's critical path to first audio: finishing an utterance, a response's first sentence.</summary>
    Urgent,

    /// <summary>Keeping up: streaming decoding while the user still speaks, later sentences.</summary>
    Background,
}

/// <summary>
/// Dedicated threads (one per core) for the native speech libraries, with two queues: urgent work always goes first.
/// </summary>
/// <remarks>
/// Native calls block for 5–150 ms; on thread-pool threads they would starve socket I/O and timers on a small machine.
/// Here they never touch the pool, and the end of one user's utterance overtakes the streaming decode of others.
/// </remarks>
internal sealed class SpeechWorkers : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<(ISpeechWork Work, long QueuedAt)> _urgent = new();
    private readonly Queue<(ISpeechWork Work, long QueuedAt)> _background = new();
    private readonly Thread[] _threads;
    private readonly EngineMetrics _metrics;
    private static readonly KeyValuePair<string, object?> UrgentTag = new("priority", "urgent");
    private static readonly KeyValuePair<string, object?> BackgroundTag = new("priority", "background");
    private bool _stopping;

    public SpeechWorkers(IOptions<Configuration.EngineOptions> options, EngineMetrics metrics)
    {
        _metrics = metrics;
        var count = options.Value.SpeechThreads > 0 ? options.Value.SpeechThreads : Environment.ProcessorCount;
        _threads = new Thread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"speech-{i}" };
            _threads[i].Start();
        }
    }

    public int Threads => _threads.Length;

    public void Schedule(ISpeechWork work, SpeechPriority priority)
    {
        lock (_gate)
        {
            (priority == SpeechPriority.Urgent ? _urgent : _background).Enqueue((work, Stopwatch.GetTimestamp()));
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a worker and returns its result (one allocation per call: for per-sentence work, not per frame).</summary>
    public Task<T> RunAsync<T>(Func<T> work, SpeechPriority priority, CancellationToken cancellationToken)
    {
        var item = new DelegateWork<T>(work, cancellationToken);
        Schedule(item, priority);
        return item.Task;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Run()
    {
        while (true)
        {
            (ISpeechWork Work, long QueuedAt) next;
            bool urgent;
            lock (_gate)
            {
                while (_urgent.Count == 0 && _background.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopping)
                {
                    return;
                }

                urgent = _urgent.Count > 0;
                next = urgent ? _urgent.Dequeue() : _background.Dequeue();
            }

            var started = Stopwatch.GetTimestamp();
            _metrics.SpeechQueueWait.Record(Stopwatch.GetElapsedTime(next.QueuedAt, started).TotalSeconds, urgent ? UrgentTag : BackgroundTag);
            next.Work.Execute();
            _metrics.SpeechBusy.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private sealed class DelegateWork<T>(Func<T> work, CancellationToken cancellationToken) : ISpeechWork
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _result.Task;

        public void Execute()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _result.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                _result.TrySetResult(work());
            }
            catch (Exception exception)
            {
                _result.TrySetException(exception);
            }
        }
    }
}
