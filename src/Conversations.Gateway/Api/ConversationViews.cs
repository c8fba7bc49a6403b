using Conversations.Domain.Tiers;
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
    public static TranscriptEntryView From(TranscriptEntry e) => new(e.Seq, e.Role.WireName(), e.Text, e.At, e.ItemId);
}

/// <summary>One page of a transcript.</summary>
public sealed record TranscriptPage(IReadOnlyList<TranscriptEntryView> Data, bool HasMore, long LastSeq);

/// <summary>The body of <c>PUT /api/v1/conversations/{id}/summary</c>.</summary>
public sealed record SummaryRequest(string? Summary);

/// <summary>The user's tier and month: <c>GET /api/v1/conversations/limits/current</c>.</summary>
public sealed record LimitsView(
    string Tier,
    int MaxSecondsPerConversation,
    string Period,
    IReadOnlyList<string> AllowedModes,
    UsageAmounts Limit,
    UsageAmounts Used,
    UsageAmounts Remaining)
{
    public static LimitsView From(Tier tier, UsageLedger ledger)
    {
        var remaining = QuotaPolicy.Remaining(ledger, tier);
        return new LimitsView(
            tier.Id,
            tier.MaxSecondsPerConversation,
            ledger.Period.ToString(),
            tier.AllowedModes.Select(m => m.ToString()).ToList(),
            new UsageAmounts(tier.MonthlyMinutes, tier.MonthlySeconds, tier.MonthlyDollars, tier.MonthlyConversations),
            new UsageAmounts(ledger.Seconds / 60m, ledger.Seconds, ledger.Dollars, ledger.Conversations),
            new UsageAmounts(remaining.Seconds / 60m, remaining.Seconds, remaining.Dollars, remaining.Conversations));
    }
}

/// <summary>Minutes (also as seconds), dollars and conversations of a month.</summary>
public sealed record UsageAmounts(decimal Minutes, long Seconds, decimal Dollars, int Conversations);
