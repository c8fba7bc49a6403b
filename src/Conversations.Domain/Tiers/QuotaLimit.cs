namespace Conversations.Domain.Tiers;

/// <summary>Which limit of a tier binds.</summary>
public enum QuotaLimit
{
    /// <summary>Max seconds per conversation (ends with <c>time_limit</c>).</summary>
    ConversationTime,

    /// <summary>Monthly minutes (ends with <c>monthly_limit</c>).</summary>
    MonthlyMinutes,

    /// <summary>Monthly dollar cap (ends with <c>cost_limit</c>).</summary>
    MonthlyDollars,

    /// <summary>Monthly number of conversations (only refuses a start).</summary>
    MonthlyConversations,
}

/// <summary>Wire names of <see cref="QuotaLimit"/> as used in PROTOCOL.md.</summary>
public static class QuotaLimitNames
{
    /// <summary>The <c>conversations.ended</c> reason: time_limit, monthly_limit or cost_limit.</summary>
    public static string EndReason(this QuotaLimit limit) => limit switch
    {
        QuotaLimit.ConversationTime => "time_limit",
        QuotaLimit.MonthlyMinutes or QuotaLimit.MonthlyConversations => "monthly_limit",
        QuotaLimit.MonthlyDollars => "cost_limit",
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, null),
    };

    /// <summary>The limit's name in a <c>quota_exceeded</c> problem: monthly_minutes, monthly_dollars, monthly_conversations, conversation_time.</summary>
    public static string WireName(this QuotaLimit limit) => limit switch
    {
        QuotaLimit.ConversationTime => "conversation_time",
        QuotaLimit.MonthlyMinutes => "monthly_minutes",
        QuotaLimit.MonthlyDollars => "monthly_dollars",
        QuotaLimit.MonthlyConversations => "monthly_conversations",
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, null),
    };
}
