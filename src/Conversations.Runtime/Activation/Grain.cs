namespace Conversations.Runtime.Activation;

/// <summary>Base of every grain: one activation per key in the cluster, one turn at a time, state only in fields.</summary>
public abstract class Grain
{
    private GrainContext? _context;

    /// <summary>The activation's key, fence, timers and mailbox.</summary>
    public GrainContext Context => _context ?? throw new InvalidOperationException("The grain has not been activated.");

    /// <summary>Whether the idle collector may deactivate this grain after its idle timeout (the default: yes).</summary>
    public virtual bool MayCollectWhenIdle => true;

    /// <summary>Runs in the first turn, with the lease already held.</summary>
    public virtual ValueTask OnActivateAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Runs in the last turn; durable writes are still fenced (and fail when the reason is a lost lease).</summary>
    public virtual ValueTask OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    internal void Bind(GrainContext context) => _context = context;
}

/// <summary>Why an activation ends.</summary>
public enum DeactivationReason
{
    /// <summary>No activity (client frames, upstream traffic, calls) for the idle timeout.</summary>
    Idle,

    /// <summary>The grain asked to end itself.</summary>
    Requested,

    /// <summary>The lease moved to another activation: a fenced write was refused or renewal failed.</summary>
    LeaseLost,

    /// <summary>The node is shutting down.</summary>
    NodeShutdown,

    /// <summary><see cref="Grain.OnActivateAsync"/> failed.</summary>
    ActivationFailed,
}
