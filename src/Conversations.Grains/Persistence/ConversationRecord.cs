namespace Conversations.Grains.Persistence;

/// <summary>A conversation row as stored.</summary>
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
    long Version);

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
