using Conversations.Domain.Emergency;

namespace Conversations.Domain.Tests.Emergency;

public sealed class EmergencyLevelTests
{
    private static EmergencyAssessment At(int level, EmergencyCategory category) => new(level, category, [], "en");

    [Fact]
    public void Level_never_goes_down()
    {
        var level = EmergencyLevel.None
            .Raise(At(2, EmergencyCategory.SelfHarm))
            .Raise(At(1, EmergencyCategory.Distress))
            .Raise(At(0, EmergencyCategory.None));

        level.Value.ShouldBe(2);
        level.Category.ShouldBe(EmergencyCategory.SelfHarm);
    }

    [Fact]
    public void Equal_level_keeps_the_first_category_and_higher_replaces_it()
    {
        var level = EmergencyLevel.None.Raise(At(2, EmergencyCategory.HarmToOthers)).Raise(At(2, EmergencyCategory.SelfHarm));
        level.Category.ShouldBe(EmergencyCategory.HarmToOthers);
        level.IsRaisedBy(At(2, EmergencyCategory.SelfHarm)).ShouldBeFalse();
        level.IsRaisedBy(At(3, EmergencyCategory.MedicalEmergency)).ShouldBeTrue();
        level.Raise(At(3, EmergencyCategory.MedicalEmergency)).ShouldBe(EmergencyLevel.FromStored(3, EmergencyCategory.MedicalEmergency));
    }

    [Fact]
    public void Stored_levels_are_clamped()
    {
        EmergencyLevel.FromStored(7, EmergencyCategory.SuicideIntent).Value.ShouldBe(3);
        EmergencyLevel.FromStored(-1, EmergencyCategory.Distress).ShouldBe(EmergencyLevel.None);
    }

    [Fact]
    public void Category_wire_names_round_trip()
    {
        foreach (var category in Enum.GetValues<EmergencyCategory>())
        {
            EmergencyCategoryNames.ParseWireName(category.WireName()).ShouldBe(category);
        }

        EmergencyCategory.SuicideIntent.WireName().ShouldBe("suicide_intent");
    }

    [Fact]
    public void Guidance_is_extra_care_at_1_and_safety_first_from_2()
    {
        EmergencyGuidance.For(EmergencyLevel.None).ShouldBeNull();
        EmergencyGuidance.For(EmergencyLevel.FromStored(1, EmergencyCategory.Distress)).ShouldBe(EmergencyGuidance.ExtraCare);
        EmergencyGuidance.For(EmergencyLevel.FromStored(2, EmergencyCategory.SelfHarm)).ShouldBe(EmergencyGuidance.SafetyFirst);
    }
}
