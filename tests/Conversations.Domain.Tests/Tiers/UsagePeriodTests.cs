using Conversations.Domain.Tiers;

namespace Conversations.Domain.Tests.Tiers;

public sealed class UsagePeriodTests
{
    [Fact]
    public void Period_is_the_calendar_month_in_UTC()
    {
        // 1 December 08:30 in Seoul is still 30 November in UTC.
        UsagePeriod.For(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.FromHours(9))).ShouldBe(new UsagePeriod(2026, 11));
        UsagePeriod.For(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(9))).ShouldBe(new UsagePeriod(2026, 12));
    }

    [Fact]
    public void Bounds_are_inclusive_start_and_exclusive_end()
    {
        var december = new UsagePeriod(2026, 12);

        december.Start.ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        december.End.ShouldBe(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        december.Contains(december.End).ShouldBeFalse();
        december.Contains(december.End.AddTicks(-1)).ShouldBeTrue();
        december.Next().ShouldBe(new UsagePeriod(2027, 1));
        (december < december.Next()).ShouldBeTrue();
    }

    [Fact]
    public void Text_form_round_trips()
    {
        new UsagePeriod(2027, 2).ToString().ShouldBe("2027-02");
        UsagePeriod.Parse("2027-02").ShouldBe(new UsagePeriod(2027, 2));
    }

    [Fact]
    public void Ledger_charges_and_counts()
    {
        var ledger = UsageLedger.Empty(new UsagePeriod(2026, 11)).StartConversation().Charge(5, 0.01m).Charge(5, 0.02m);

        ledger.ShouldBe(new UsageLedger(new UsagePeriod(2026, 11), 10, 0.03m, 1));
    }
}
