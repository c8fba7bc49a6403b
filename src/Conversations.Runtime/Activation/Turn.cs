namespace Conversations.Runtime.Activation;

/// <summary>One unit of work in a mailbox: a (usually static) delegate with its target and state, so posting allocates nothing.</summary>
internal readonly struct Turn
{
    private readonly Func<Delegate, object?, object?, ValueTask> _invoker;
    private readonly Delegate _work;
    private readonly object? _target;

    private Turn(Func<Delegate, object?, object?, ValueTask> invoker, Delegate work, object? target, object? state, bool countsAsActivity)
    {
        _invoker = invoker;
        _work = work;
        _target = target;
        State = state;
        CountsAsActivity = countsAsActivity;
    }

    /// <summary>The work's state; when it is an <see cref="IAbortableTurn"/> it is told if the turn never runs.</summary>
    public object? State { get; }

    /// <summary>Whether running it resets the idle clock (client and upstream traffic, calls; not timer ticks).</summary>
    public bool CountsAsActivity { get; }

    public static Turn For<TState>(Func<TState, ValueTask> work, TState state, bool countsAsActivity) =>
        new(Invoker<TState>.Instance, work, null, state, countsAsActivity);

    public static Turn For<TTarget, TState>(Func<TTarget, TState, ValueTask> work, TTarget target, TState state, bool countsAsActivity) =>
        new(Invoker<TTarget, TState>.Instance, work, target, state, countsAsActivity);

    public ValueTask RunAsync() => _invoker(_work, _target, State);

    private static class Invoker<TState>
    {
        public static readonly Func<Delegate, object?, object?, ValueTask> Instance =
            static (work, _, state) => ((Func<TState, ValueTask>)work)((TState)state!);
    }

    private static class Invoker<TTarget, TState>
    {
        public static readonly Func<Delegate, object?, object?, ValueTask> Instance =
            static (work, target, state) => ((Func<TTarget, TState, ValueTask>)work)((TTarget)target!, (TState)state!);
    }
}

/// <summary>Turn state that must hear about it when its turn is dropped (the activation ended first): a waiting caller, a pooled buffer.</summary>
internal interface IAbortableTurn
{
    void Abort(Exception reason);
}
