namespace Conversations.Runtime.Leases;

/// <summary>The proof an activation holds the lease on <see cref="Key"/>: every durable write carries it and is rejected when it is stale.</summary>
public readonly record struct Fence(string Key, string NodeId, long Epoch);
