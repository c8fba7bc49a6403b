using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;

namespace Conversations.Domain.Tests.Tiers;

public sealed class QuotaPolicyTests
{
    private static readonly UsagePeriod November = new(2026, 11);

    // 600 s a conversation, 60 min ($1, 20 conversations) a month, warn 60 s before the end.
    private static readonly Tier Free = TierCatalog.Free;

    private static UsageLedger Ledger(long seconds = 0, decimal dollars = 0m, int conversations = 1) => new(November, seconds, dollars, conversations);

    [Fact]
    public void Continues_with_the_per_conversation_time_left()
    {
        QuotaPolicy.Evaluate(100, Ledger(100), Free).ShouldBe(new QuotaDecision.Continue(500, QuotaLimit.ConversationTime));
    }

    [Theory]
    [InlineData(539, 61, "continue")]
    [InlineData(540, 60, "warn")]
    [InlineData(599, 1, "warn")]
    [InlineData(600, 0, "end")]
    [InlineData(650, 0, "end")]
    public void Per_conversation_limit_boundaries(long used, long remaining, string expected)
    {
        var decision = QuotaPolicy.Evaluate(used, Ledger(used), Free);

        decision.RemainingSeconds.ShouldBe(remaining);
        decision.BindingLimit.ShouldBe(QuotaLimit.ConversationTime);
        (decision switch
        {
            QuotaDecision.Continue => "continue",
            QuotaDecision.Warn => "warn",
            QuotaDecision.End end => end.Reason == "time_limit" ? "end" : "wrong reason",
            _ => "?",
        }).ShouldBe(expected);
    }

    [Fact]
    public void Monthly_minutes_bind_before_the_conversation_limit_when_less_is_left()
    {
        // 3,550 of 3,600 monthly seconds used, 100 of them in this conversation.
        QuotaPolicy.Evaluate(100, Ledger(3550), Free).ShouldBe(new QuotaDecision.Warn(50, QuotaLimit.MonthlyMinutes));
        QuotaPolicy.Evaluate(100, Ledger(3500), Free).ShouldBe(new QuotaDecision.Continue(100, QuotaLimit.MonthlyMinutes));

        var end = QuotaPolicy.Evaluate(200, Ledger(3600), Free).ShouldBeOfType<QuotaDecision.End>();
        end.Reason.ShouldBe("monthly_limit");
    }

    [Fact]
    public void Ties_between_limits_report_the_conversation_limit()
    {
        QuotaPolicy.Evaluate(600, Ledger(3600), Free).ShouldBeOfType<QuotaDecision.End>().Reason.ShouldBe("time_limit");
    }

    [Fact]
    public void Dollar_cap_reached_ends_with_cost_limit_even_with_time_left()
    {
        QuotaPolicy.Evaluate(10, Ledger(10, 1.00m), Free).ShouldBeOfType<QuotaDecision.End>().Reason.ShouldBe("cost_limit");
        QuotaPolicy.Evaluate(10, Ledger(10, 1.0001m), Free).ShouldBeOfType<QuotaDecision.End>().Reason.ShouldBe("cost_limit");
        QuotaPolicy.Evaluate(10, Ledger(10, 0.9999m), Free).ShouldNotBeOfType<QuotaDecision.End>();
    }

    [Fact]
    public void Dollar_cap_is_projected_at_the_conversation_spending_rate()
    {
        // $0.90 used; this conversation spent $0.30 in 300 s = $0.001/s, so $0.10 lasts 100 s, outside the 60 s window.
        QuotaPolicy.Evaluate(300, Ledger(300, 0.90m), Free, conversationDollars: 0.30m)
            .ShouldBe(new QuotaDecision.Continue(100, QuotaLimit.MonthlyDollars));
        // $0.95 used: 50 s left at that rate, so warn.
        QuotaPolicy.Evaluate(300, Ledger(300, 0.95m), Free, conversationDollars: 0.30m)
            .ShouldBe(new QuotaDecision.Warn(50, QuotaLimit.MonthlyDollars));
        // $0.9999 used: under one second left at that rate, so end with cost_limit.
        QuotaPolicy.Evaluate(300, Ledger(300, 0.9999m), Free, conversationDollars: 0.30m)
            .ShouldBeOfType<QuotaDecision.End>().Reason.ShouldBe("cost_limit");
    }

    [Fact]
    public void Can_start_until_each_monthly_limit_is_reached()
    {
        QuotaPolicy.CanStart(Ledger(0, 0m, 0), Free, UpstreamMode.Cascade).ShouldBe(StartDecision.Allowed);
        QuotaPolicy.CanStart(Ledger(3599, 0.99m, 19), Free, UpstreamMode.Cascade).IsAllowed.ShouldBeTrue();

        var byCount = QuotaPolicy.CanStart(Ledger(0, 0m, 20), Free, UpstreamMode.Cascade);
        byCount.ShouldBe(new StartDecision(false, "quota_exceeded", QuotaLimit.MonthlyConversations, byCount.Detail));
        QuotaPolicy.CanStart(Ledger(3600, 0m, 0), Free, UpstreamMode.Cascade).Limit.ShouldBe(QuotaLimit.MonthlyMinutes);
        QuotaPolicy.CanStart(Ledger(0, 1m, 0), Free, UpstreamMode.Cascade).Limit.ShouldBe(QuotaLimit.MonthlyDollars);
        QuotaLimit.MonthlyDollars.WireName().ShouldBe("monthly_dollars");
    }

    [Fact]
    public void A_mode_outside_the_tier_is_refused()
    {
        var decision = QuotaPolicy.CanStart(Ledger(0, 0m, 0), Free, UpstreamMode.SpeechToSpeech);

        decision.IsAllowed.ShouldBeFalse();
        decision.Code.ShouldBe("mode_not_allowed");
        QuotaPolicy.CanStart(Ledger(0, 0m, 0), TierCatalog.Premium, UpstreamMode.SpeechToSpeech).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Max_duration_and_remaining_never_go_negative()
    {
        QuotaPolicy.MaxDurationSeconds(Ledger(0), Free).ShouldBe(600);
        QuotaPolicy.MaxDurationSeconds(Ledger(3300), Free).ShouldBe(300);
        QuotaPolicy.MaxDurationSeconds(Ledger(4000), Free).ShouldBe(0);
        QuotaPolicy.Remaining(Ledger(4000, 2m, 25), Free).ShouldBe(new QuotaRemaining(0, 0m, 0));
        QuotaPolicy.Remaining(Ledger(600, 0.25m, 3), Free).ShouldBe(new QuotaRemaining(3000, 0.75m, 17));
    }

    [Fact]
    public void Chargeable_seconds_stop_at_the_conversation_limit()
    {
        QuotaPolicy.ChargeableSeconds(590, 5, Free).ShouldBe(5);
        QuotaPolicy.ChargeableSeconds(598, 5, Free).ShouldBe(2);
        QuotaPolicy.ChargeableSeconds(600, 5, Free).ShouldBe(0);
        QuotaPolicy.ChargeableSeconds(0, -3, Free).ShouldBe(0);
    }
}
