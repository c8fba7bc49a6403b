namespace Conversations.Domain.Tiers;

/// <summary>What the conversation clock should do after a tick: continue, warn the client, or end now.</summary>
public abstract record QuotaDecision(long RemainingSeconds, QuotaLimit BindingLimit)
{
    /// <summary>Plenty left.</summary>
    public sealed record Continue(long RemainingSeconds, QuotaLimit BindingLimit) : QuotaDecision(RemainingSeconds, BindingLimit);

    /// <summary>Within the tier's warning window of <see cref="BindingLimit"/>.</summary>
    public sealed record Warn(long RemainingSeconds, QuotaLimit BindingLimit) : QuotaDecision(RemainingSeconds, BindingLimit);

    /// <summary>A limit is reached: close gracefully with the reason <see cref="QuotaLimitNames.EndReason"/>.</summary>
    public sealed record End(QuotaLimit BindingLimit) : QuotaDecision(0, BindingLimit)
    {
        /// <summary>time_limit, monthly_limit or cost_limit.</summary>
        public string Reason => BindingLimit.EndReason();
    }
}

/// <summary>Whether a conversation may start: allowed, or refused with a stable code and the limit that refused it.</summary>
public sealed record StartDecision(bool IsAllowed, string? Code, QuotaLimit? Limit, string? Detail)
{
    /// <summary>The problem type code for a monthly limit reached.</summary>
    public const string QuotaExceeded = "quota_exceeded";

    /// <summary>The problem type code for a mode the tier does not include.</summary>
    public const string ModeNotAllowed = "mode_not_allowed";

    /// <summary>Allowed.</summary>
    public static StartDecision Allowed { get; } = new(true, null, null, null);
}

/// <summary>What is left of a user's month: seconds, dollars and conversations (never negative).</summary>
public sealed record QuotaRemaining(long Seconds, decimal Dollars, int Conversations);
