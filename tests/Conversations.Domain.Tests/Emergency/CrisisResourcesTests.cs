using Conversations.Domain.Emergency;
using Microsoft.Extensions.Configuration;

namespace Conversations.Domain.Tests.Emergency;

public sealed class CrisisResourcesTests
{
    [Fact]
    public void Korea_and_the_US_are_built_in()
    {
        CrisisResources.Default.For("ko-KR").Select(r => r.Phone).ShouldBe(["109", "1577-0199", "119"]);
        CrisisResources.Default.For("ko").First().Name.ShouldBe("자살예방상담전화");
        CrisisResources.Default.For("en-US").Select(r => r.Phone).ShouldContain("988");
        CrisisResources.Default.For("en").Select(r => r.Phone).ShouldContain("911");
        CrisisResources.Default.For("fr-FR").ShouldBe(CrisisResources.Default.For("US"));
        CrisisResources.Default.For(null).ShouldBe(CrisisResources.Default.For("US"));
    }

    [Fact]
    public void Safety_messages_carry_the_local_numbers()
    {
        var korean = CrisisResources.Default.SafetyMessage(EmergencyCategory.SuicideIntent, "ko");
        korean.ShouldContain("119");
        korean.ShouldContain("109");
        var english = CrisisResources.Default.SafetyMessage(EmergencyCategory.SuicideIntent, "en");
        english.ShouldContain("911");
        english.ShouldContain("988");
        CrisisResources.Default.SafetyMessage(EmergencyCategory.MedicalEmergency, "ko").ShouldContain("119");
        CrisisResources.Default.SafetyMessage(EmergencyCategory.MedicalEmergency, "en", "ko-KR").ShouldContain("119");
        CrisisResources.Default.SafetyMessage(EmergencyCategory.SelfHarm, "de").ShouldBe(english);
    }

    [Fact]
    public void Configuration_adds_regions_and_replaces_messages()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emergency:DefaultRegion"] = "GB",
            ["Emergency:Resources:GB:0:Name"] = "Samaritans",
            ["Emergency:Resources:GB:0:Phone"] = "116 123",
            ["Emergency:Resources:GB:1:Name"] = "Emergency",
            ["Emergency:Resources:GB:1:Phone"] = "999",
            ["Emergency:RegionByLanguage:en"] = "GB",
            ["Emergency:SafetyMessages:en"] = "Call {emergency} or {crisis}.",
        }).Build();
        var options = new EmergencyOptions();
        configuration.GetSection(EmergencyOptions.SectionName).Bind(options);

        var resources = CrisisResources.FromOptions(options);

        resources.For("en").First().Name.ShouldBe("Samaritans");
        resources.For("en-US").Select(r => r.Phone).ShouldContain("988");
        resources.For("xx").First().Name.ShouldBe("Samaritans");
        resources.SafetyMessage(EmergencyCategory.SuicideIntent, "en").ShouldBe("Call 999 or 116 123 (Samaritans).");
    }

    [Fact]
    public void Each_bad_emergency_setting_is_named()
    {
        var options = new EmergencyOptions { DefaultRegion = "FR" };
        options.Resources["GB"] = [new CrisisResourceOptions { Name = "Samaritans" }];
        options.Resources["JP"] = [];
        options.RegionByLanguage["de"] = "DE";
        options.SafetyMessages["en"] = " ";

        var errors = CrisisResources.Validate(options);

        errors.ShouldBe(
        [
            "Resources:GB:0: Phone is required",
            "Resources:JP is empty (a region needs at least one resource)",
            "RegionByLanguage:de names region 'DE', which has no resources (regions: GB, JP, KR, US)",
            "SafetyMessages:en is empty",
            "DefaultRegion 'FR' has no crisis resources (regions: GB, JP, KR, US)",
        ]);
        CrisisResources.Validate(new EmergencyOptions()).ShouldBeEmpty();
        Should.Throw<ArgumentException>(() => CrisisResources.FromOptions(options)).Message.ShouldContain(errors[4]);
    }
}
