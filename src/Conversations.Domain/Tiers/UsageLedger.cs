namespace Conversations.Domain.Tiers;

/// <summary>A user's usage in one month: seconds talked, dollars spent and conversations started (including the current one).</summary>
public sealed record UsageLedger(UsagePeriod Period, long Seconds, decimal Dollars, int Conversations)
{
    /// <summary>An empty ledger for <paramref name="period"/>.</summary>
    public static UsageLedger Empty(UsagePeriod period) => new(period, 0, 0m, 0);

    /// <summary>The ledger after charging seconds and dollars to it.</summary>
    public UsageLedger Charge(long seconds, decimal dollars) => this with { Seconds = Seconds + seconds, Dollars = Dollars + dollars };

    /// <summary>The ledger after one more conversation started.</summary>
    public UsageLedger StartConversation() => this with { Conversations = Conversations + 1 };
}
