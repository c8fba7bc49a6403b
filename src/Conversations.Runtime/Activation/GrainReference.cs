namespace Conversations.Runtime.Activation;

/// <summary>A handle on one activation: every call runs as a turn in its mailbox, so the grain never sees two at once.</summary>
public sealed class GrainReference<TGrain>
    where TGrain : Grain
{
    private readonly Activation _activation;

    internal GrainReference(Activation activation) => _activation = activation;

    public string Key => _activation.Fence.Key;

    /// <summary>The lease epoch of the activation this reference points at.</summary>
    public long Epoch => _activation.Fence.Epoch;

    /// <summary>Completes when this activation has ended.</summary>
    public Task Deactivated => _activation.Completion;

    public bool IsDeactivating => _activation.IsDeactivating;

    /// <summary>Calls the grain in a turn and returns its result.</summary>
    public Task<T> InvokeAsync<T>(Func<TGrain, ValueTask<T>> call, CancellationToken cancellationToken = default) =>
        _activation.PostCallAsync(new CallState<Grain, T>(g => call((TGrain)g)), cancellationToken);

    /// <summary>Calls the grain in a turn and waits until it has run.</summary>
    public Task InvokeAsync(Func<TGrain, ValueTask> call, CancellationToken cancellationToken = default) =>
        InvokeAsync<bool>(
            async g =>
            {
                await call(g);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// Posts one-way work (a client frame) without waiting for it to run; waits only while the mailbox is full.
    /// Allocation-free with a static lambda. Returns false when the activation has ended.
    /// </summary>
    public ValueTask<bool> PostAsync<TState>(Func<TGrain, TState, ValueTask> work, TState state, CancellationToken cancellationToken = default) =>
        _activation.PostAsync(Turn.For(work, (TGrain)_activation.Grain, state, countsAsActivity: true), cancellationToken);
}
