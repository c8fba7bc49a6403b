using Conversations.Domain.Characters;

namespace Conversations.Domain.Tiers;

/// <summary>
/// A subscription tier: per-conversation time, monthly minutes, dollars and conversations, the modes it may use, and
/// how many conversations a user may have attached at once (each holds a billable upstream session).
/// </summary>
public sealed record Tier(
    string Id,
    int MaxSecondsPerConversation,
    int MonthlyMinutes,
    decimal MonthlyDollars,
    int MonthlyConversations,
    IReadOnlyList<UpstreamMode> AllowedModes,
    int WarningBeforeEndSeconds,
    int MaxConcurrentConversations = 2)
{
    /// <summary>The monthly allowance in seconds.</summary>
    public long MonthlySeconds => MonthlyMinutes * 60L;

    /// <summary>Whether conversations in <paramref name="mode"/> are part of this tier.</summary>
    public bool Allows(UpstreamMode mode) => AllowedModes.Contains(mode);
}
