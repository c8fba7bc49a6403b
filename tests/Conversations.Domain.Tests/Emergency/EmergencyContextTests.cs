using Conversations.Domain.Emergency;
using Conversations.Emergency.Evaluation;

namespace Conversations.Domain.Tests.Emergency;

public sealed class EmergencyContextTests
{
    [Fact]
    public void A_plan_stated_over_two_utterances_counts()
    {
        var context = new EmergencyContext();

        context.Assess("I bought a rope").Level.ShouldBeLessThan(3);
        context.Assess("tonight is the night").Level.ShouldBe(3);

        context.Level.Value.ShouldBe(3);
        context.Level.Category.ShouldBe(EmergencyCategory.SuicideIntent);
    }

    [Theory]
    [InlineData("I want to die", "I'm going to do it after my shift on Friday")]
    [InlineData("요즘 죽고 싶다는 생각이 들어", "내일 아침에 할 거야")]
    public void An_utterance_harmless_alone_completes_a_plan_begun_before(string first, string second)
    {
        EmergencyDetector.Assess(second).Level.ShouldBeLessThan(3);
        var context = new EmergencyContext();

        context.Assess(first);
        var assessment = context.Assess(second);

        assessment.Level.ShouldBe(3);
        assessment.Evidence.ShouldContain("context");
    }

    [Fact]
    public void Levels_never_go_down_within_a_conversation()
    {
        var context = new EmergencyContext();

        context.Assess("I want to die.");
        context.Assess("just kidding, I'm fine.");
        context.Assess("Thanks, that sounds great.");

        context.Level.Value.ShouldBe(2);
        context.Level.Category.ShouldBe(EmergencyCategory.SelfHarm);
    }

    [Fact]
    public void A_context_resumed_from_stored_utterances_reads_the_next_one_with_them()
    {
        var resumed = new EmergencyContext(["hello", "I bought a rope"], EmergencyLevel.None);

        resumed.Assess("tonight is the night").Level.ShouldBe(3);
    }

    [Fact]
    public void A_resumed_context_keeps_its_stored_level_and_only_the_last_turns()
    {
        var resumed = new EmergencyContext(["one", "two", "three", "four"], EmergencyLevel.FromStored(2, EmergencyCategory.SelfHarm));

        resumed.Level.Value.ShouldBe(2);
        resumed.Earlier.ShouldBe(["three", "four"]);
    }

    [Fact]
    public void Long_utterances_are_kept_by_their_end()
    {
        var context = new EmergencyContext();

        context.Assess(new string('a', 5000) + " tonight");

        context.Earlier.Single().Length.ShouldBe(EmergencyContext.MaxUtteranceLength);
        context.Earlier.Single().ShouldEndWith("tonight");
    }

    [Fact]
    public void Harmless_turns_together_stay_harmless()
    {
        var context = new EmergencyContext();

        context.Assess("I bought a rope for camping");
        context.Assess("we're taking the kids to the lake");

        context.Level.Value.ShouldBe(0);
    }

    [Fact]
    public void The_dialogues_end_at_their_labelled_level_in_most_conversations()
    {
        var endings = CorpusReport.DialogueOutcomes().GroupBy(o => o.Turn.Dialogue).Select(g => g.Last()).ToArray();

        endings.Count(o => o.Expected == o.Detected).ShouldBeGreaterThanOrEqualTo(MeasuredDialogueFloor.RightEndings);
    }
}

/// <summary>How many labelled dialogues ended at their level when the detector was final (a regression floor).</summary>
internal static class MeasuredDialogueFloor
{
    public const int RightEndings = 21; // 22 of 32 measured
}
