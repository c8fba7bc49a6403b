namespace Conversations.Runtime.Leases;

/// <summary>A write was refused because another activation now holds the lease; the activation that sees it deactivates itself.</summary>
/// <remarks>The equivalent of Orleans' <c>InconsistentStateException</c> on a storage write.</remarks>
public sealed class StaleActivationException(Fence fence, string reason)
    : Exception($"Activation of {fence.Key} at epoch {fence.Epoch} on {fence.NodeId} is stale: {reason}.")
{
    public Fence Fence { get; } = fence;
}
