using Conversations.Domain.Characters;

namespace Conversations.Domain.Tiers;

/// <summary>Quota arithmetic: what remains, when to warn, when to end, whether a conversation may start.</summary>
public static class QuotaPolicy
{
    /// <summary>
    /// Decides after a tick. <paramref name="ledger"/> already includes this conversation's seconds and dollars (they are
    /// charged in the same transaction). <paramref name="conversationDollars"/>, when given with elapsed seconds, lets the
    /// dollar cap be projected into seconds at the conversation's spending rate so the client is warned before it.
    /// </summary>
    public static QuotaDecision Evaluate(long conversationSeconds, UsageLedger ledger, Tier tier, decimal conversationDollars = 0m)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(tier);

        var byConversation = tier.MaxSecondsPerConversation - conversationSeconds;
        var byMonth = tier.MonthlySeconds - ledger.Seconds;
        var dollarsLeft = tier.MonthlyDollars - ledger.Dollars;

        if (dollarsLeft <= 0m)
        {
            return new QuotaDecision.End(QuotaLimit.MonthlyDollars);
        }

        // Order decides ties: the per-conversation limit is the expected end, the monthly ones the exceptional.
        var (remaining, limit) = (byConversation, QuotaLimit.ConversationTime);
        if (byMonth < remaining)
        {
            (remaining, limit) = (byMonth, QuotaLimit.MonthlyMinutes);
        }

        if (conversationSeconds > 0 && conversationDollars > 0m)
        {
            var perSecond = conversationDollars / conversationSeconds;
            var byDollars = (long)decimal.Floor(dollarsLeft / perSecond);
            if (byDollars < remaining)
            {
                (remaining, limit) = (byDollars, QuotaLimit.MonthlyDollars);
            }
        }

        if (remaining <= 0)
        {
            return new QuotaDecision.End(limit);
        }

        return remaining <= tier.WarningBeforeEndSeconds
            ? new QuotaDecision.Warn(remaining, limit)
            : new QuotaDecision.Continue(remaining, limit);
    }

    /// <summary>Whether a new conversation in <paramref name="mode"/> may start with this month's <paramref name="ledger"/>.</summary>
    public static StartDecision CanStart(UsageLedger ledger, Tier tier, UpstreamMode mode)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(tier);

        if (!tier.Allows(mode))
        {
            return new StartDecision(false, StartDecision.ModeNotAllowed, null, $"The {tier.Id} tier does not include {mode} conversations.");
        }

        if (ledger.Conversations >= tier.MonthlyConversations)
        {
            return Refused(QuotaLimit.MonthlyConversations, $"{tier.MonthlyConversations} conversations this month");
        }

        if (ledger.Seconds >= tier.MonthlySeconds)
        {
            return Refused(QuotaLimit.MonthlyMinutes, $"{tier.MonthlyMinutes} minutes this month");
        }

        if (ledger.Dollars >= tier.MonthlyDollars)
        {
            return Refused(QuotaLimit.MonthlyDollars, $"${tier.MonthlyDollars} this month");
        }

        return StartDecision.Allowed;

        static StartDecision Refused(QuotaLimit limit, string what) =>
            new(false, StartDecision.QuotaExceeded, limit, $"The monthly limit of {what} is used up.");
    }

    /// <summary>The longest a new conversation can last: the per-conversation limit or what is left of the month.</summary>
    public static long MaxDurationSeconds(UsageLedger ledger, Tier tier)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(tier);
        return Math.Max(0, Math.Min(tier.MaxSecondsPerConversation, tier.MonthlySeconds - ledger.Seconds));
    }

    /// <summary>What is left of the month, for <c>GET /api/v1/conversations/limits/current</c>.</summary>
    public static QuotaRemaining Remaining(UsageLedger ledger, Tier tier)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(tier);
        return new QuotaRemaining(
            Math.Max(0, tier.MonthlySeconds - ledger.Seconds),
            Math.Max(0m, tier.MonthlyDollars - ledger.Dollars),
            Math.Max(0, tier.MonthlyConversations - ledger.Conversations));
    }

    /// <summary>Seconds to charge for a tick of <paramref name="elapsedSeconds"/>, never past the per-conversation limit.</summary>
    public static long ChargeableSeconds(long conversationSeconds, long elapsedSeconds, Tier tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return Math.Clamp(tier.MaxSecondsPerConversation - conversationSeconds, 0, Math.Max(0, elapsedSeconds));
    }
}
