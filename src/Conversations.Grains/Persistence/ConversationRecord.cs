namespace Conversations.Grains.Persistence;

/// <summary>A conversation row as stored.</summary>
/// <param name="Epoch">Raised by every activation that claims the conversation: the activation's ETag for its writes.</param>
/// <param name="Attached">A client is attached (as of the last activation's last write); <paramref name="Silo"/> serves it.</param>
/// <param name="LedBy">The supervisor leading the conversation now (the AI is silent), since <paramref name="LedSince"/> and transcript seq <paramref name="LedSinceSeq"/>.</param>
/// <param name="HumanSeconds">Time led by a human, recorded apart from the tier's AI time.</param>
public sealed record ConversationRecord(
    string Id,
    string UserId,
    string CharacterId,
    string Tier,
    ConversationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    decimal UsedSeconds,
    decimal CostUsd,
    int EmergencyLevel,
    string? EmergencyCategory,
    bool Flagged,
    string? Summary,
    long Version,
    long Epoch,
    bool Attached,
    string? Silo,
    DateTimeOffset? AttachedAt,
    DateTimeOffset? DetachedAt,
    string? LedBy,
    DateTimeOffset? LedSince,
    long? LedSinceSeq,
    decimal HumanSeconds);

/// <summary>Where a conversation is in its life.</summary>
public enum ConversationStatus
{
    /// <summary>Created (by REST or the first connect), no client has attached yet.</summary>
    Created,

    /// <summary>A client has attached at least once; the conversation can be resumed.</summary>
    Active,

    /// <summary>Ended for good; it can be read but not attached to.</summary>
    Ended,
}
