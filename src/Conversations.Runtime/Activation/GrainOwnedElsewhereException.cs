using Conversations.Runtime.Leases;

namespace Conversations.Runtime.Activation;

/// <summary>Another node holds a live lease on the key; the caller should reach that node (or retry after the lease expires).</summary>
public sealed class GrainOwnedElsewhereException(string key, LeaseOwner? owner)
    : Exception($"{key} is active on {owner?.NodeId ?? "another node"}.")
{
    public string Key { get; } = key;

    /// <summary>The owner at the time of the refusal, or null if its lease expired in between.</summary>
    public LeaseOwner? Owner { get; } = owner;
}
