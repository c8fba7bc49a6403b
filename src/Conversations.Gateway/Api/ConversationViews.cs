using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;

namespace Conversations.Gateway.Api;

/// <summary>A conversation as the REST API shows it.</summary>
public sealed record ConversationView(
    string Id,
    string CharacterId,
    string Status,
    string Tier,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    decimal UsedSeconds,
    decimal CostUsd,
    int EmergencyLevel,
    string? Summary)
{
    public static ConversationView From(ConversationRecord r) => new(
        r.Id,
        r.CharacterId,
        r.Status.ToString().ToLowerInvariant(),
        r.Tier,
        r.CreatedAt,
        r.EndedAt,
        r.EndReason,
        r.UsedSeconds,
        r.CostUsd,
        r.EmergencyLevel,
        r.Summary);
}

/// <summary>The answer to creating a conversation.</summary>
public sealed record CreatedConversation(string ConversationId, Uri WebsocketUrl, int MaxDurationSeconds, DateTimeOffset StartedAt);

/// <summary>The body of <c>POST /api/v1/conversations</c>.</summary>
public sealed record CreateConversationRequest(string? CharacterId);

/// <summary>One page of the user's conversations, newest first.</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationView> Data, string? NextCursor);

/// <summary>A transcript line as the REST API shows it.</summary>
public sealed record TranscriptEntryView(long Seq, string Role, string Text, DateTimeOffset At, string? ItemId)
{
    public static TranscriptEntryView From(TranscriptEntry e) => new(e.Seq, e.Role == Speaker.User ? "user" : "assistant", e.Text, e.At, e.ItemId);
}

/// <summary>One page of a transcript.</summary>
public sealed record TranscriptPage(IReadOnlyList<TranscriptEntryView> Data, bool HasMore, long LastSeq);
