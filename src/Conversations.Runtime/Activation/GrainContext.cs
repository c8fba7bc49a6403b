using Conversations.Runtime.Leases;

namespace Conversations.Runtime.Activation;

/// <summary>What a grain sees of its activation: key, fence, timers and a way to post work into its own mailbox.</summary>
public sealed class GrainContext
{
    private readonly Activation _activation;

    internal GrainContext(Activation activation, Fence fence)
    {
        _activation = activation;
        Fence = fence;
    }

    public string Key => Fence.Key;

    /// <summary>The lease proof every durable write of this activation carries.</summary>
    public Fence Fence { get; }

    /// <summary>Cancelled when the activation starts deactivating.</summary>
    public CancellationToken Deactivating => _activation.Deactivating;

    /// <summary>
    /// Posts work from a background loop (an upstream receive loop, a socket) into the mailbox, waiting while it is full.
    /// It counts as activity for idle collection. Returns false when the activation is gone.
    /// </summary>
    public ValueTask<bool> PostAsync<TState>(Func<TState, ValueTask> work, TState state, CancellationToken cancellationToken = default)
        where TState : class =>
        _activation.PostAsync(Turn.For(work, state, countsAsActivity: true), cancellationToken);

    /// <summary>Runs <paramref name="callback"/> in a turn every <paramref name="period"/>; a tick is skipped while the previous one waits.</summary>
    /// <remarks>
    /// Timer ticks do not count as activity, so a timer alone never keeps an idle grain alive. A period of
    /// <see cref="Timeout.InfiniteTimeSpan"/> makes a one-shot timer. Disposing it stops further ticks.
    /// </remarks>
    public IDisposable RegisterTimer(Func<ValueTask> callback, TimeSpan dueTime, TimeSpan period) =>
        _activation.RegisterTimer(callback, dueTime, period);

    /// <summary>Ends the activation after the current turn.</summary>
    public void Deactivate(DeactivationReason reason = DeactivationReason.Requested) => _activation.RequestDeactivation(reason);
}
