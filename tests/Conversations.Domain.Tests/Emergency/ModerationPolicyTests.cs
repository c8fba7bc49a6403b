using Conversations.Domain.Emergency;

namespace Conversations.Domain.Tests.Emergency;

public sealed class ModerationPolicyTests
{
    [Fact]
    public void Scores_map_to_levels()
    {
        ModerationPolicy.Assess(new Dictionary<string, double> { ["self-harm/instructions"] = 0.7 }, "en").Level.ShouldBe(3);
        ModerationPolicy.Assess(new Dictionary<string, double> { ["self-harm/intent"] = 0.6 }, "en")
            .ShouldBe(new EmergencyAssessment(2, EmergencyCategory.SelfHarm, ["moderation:self-harm/intent"], "en"), new AssessmentComparer());
        ModerationPolicy.Assess(new Dictionary<string, double> { ["violence"] = 0.9 }, "ko").Category.ShouldBe(EmergencyCategory.HarmToOthers);
        ModerationPolicy.Assess(new Dictionary<string, double> { ["self-harm"] = 0.2, ["violence"] = double.NaN }, "en").Level.ShouldBe(0);
    }

    [Fact]
    public void Combining_keeps_the_higher_and_both_evidence()
    {
        var lexicon = EmergencyDetector.Assess("I feel so hopeless.");
        var moderation = ModerationPolicy.Assess(new Dictionary<string, double> { ["self-harm/intent"] = 0.8 }, "en");

        var combined = ModerationPolicy.Combine(lexicon, moderation);

        combined.Level.ShouldBe(2);
        combined.Evidence.ShouldBe(["moderation:self-harm/intent", "hopeless"]);
        ModerationPolicy.Combine(lexicon, EmergencyAssessment.None("en")).ShouldBeSameAs(lexicon);
    }

    private sealed class AssessmentComparer : IEqualityComparer<EmergencyAssessment>
    {
        public bool Equals(EmergencyAssessment? x, EmergencyAssessment? y) =>
            x is not null && y is not null && x.Level == y.Level && x.Category == y.Category && x.Language == y.Language && x.Evidence.SequenceEqual(y.Evidence);

        public int GetHashCode(EmergencyAssessment obj) => obj.Level;
    }
}
