using Microsoft.Extensions.Logging;

namespace Conversations.Runtime.Activation;

/// <summary>A timer that posts its callback into the grain's mailbox; one tick at most waits in the mailbox at a time.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly Activation _activation;
    private readonly Func<ValueTask> _callback;
    private readonly CancellationTokenSource _stop;
    private readonly ILogger _logger;
    private int _queued;

    public GrainTimer(Activation activation, Func<ValueTask> callback, TimeSpan dueTime, TimeSpan period, ILogger logger)
    {
        _activation = activation;
        _callback = callback;
        _logger = logger;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(activation.Deactivating);
        _ = Task.Run(() => LoopAsync(dueTime, period), CancellationToken.None);
    }

    public void Dispose() => _stop.Cancel();

    private async Task LoopAsync(TimeSpan dueTime, TimeSpan period)
    {
        try
        {
            await Task.Delay(dueTime, _stop.Token);
            if (period == Timeout.InfiniteTimeSpan)
            {
                // One-shot: a single tick after the due time.
                _activation.TryPost(Turn.For(static (GrainTimer t) => t.TickAsync(), this, countsAsActivity: false));
                return;
            }

            using var ticks = new PeriodicTimer(period);
            do
            {
                if (Interlocked.Exchange(ref _queued, 1) == 0)
                {
                    var turn = Turn.For(static (GrainTimer t) => t.TickAsync(), this, countsAsActivity: false);
                    if (!_activation.TryPost(turn))
                    {
                        // The mailbox is full: the tick is skipped rather than queued behind the backlog.
                        Interlocked.Exchange(ref _queued, 0);
                    }
                }
            }
            while (await ticks.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async ValueTask TickAsync()
    {
        Interlocked.Exchange(ref _queued, 0);
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await _callback();
        }
        catch (Leases.StaleActivationException)
        {
            throw;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Timer of {Key} failed", _activation.Fence.Key);
        }
    }
}
