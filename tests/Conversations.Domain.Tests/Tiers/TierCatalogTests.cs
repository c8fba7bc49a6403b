using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;
using Microsoft.Extensions.Configuration;

namespace Conversations.Domain.Tests.Tiers;

public sealed class TierCatalogTests
{
    [Fact]
    public void Defaults_are_free_basic_premium_with_free_as_default()
    {
        var catalog = TierCatalog.FromOptions(new TiersOptions());

        catalog.All.Select(t => t.Id).ShouldBe(["free", "basic", "premium"]);
        catalog.Resolve(null).ShouldBe(TierCatalog.Free);
        catalog.Resolve("gold").ShouldBe(TierCatalog.Free);
        catalog.Resolve("premium").MonthlyDollars.ShouldBe(60m);
    }

    [Fact]
    public void Configuration_overrides_and_adds_tiers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tiers:DefaultTier"] = "basic",
            ["Tiers:Items:free:MaxSecondsPerConversation"] = "300",
            ["Tiers:Items:free:MonthlyDollars"] = "0.50",
            ["Tiers:Items:clinic:MaxSecondsPerConversation"] = "5400",
            ["Tiers:Items:clinic:MonthlyMinutes"] = "6000",
            ["Tiers:Items:clinic:MonthlyDollars"] = "500",
            ["Tiers:Items:clinic:MonthlyConversations"] = "2000",
            ["Tiers:Items:clinic:AllowedModes:0"] = "SpeechToSpeech",
        }).Build();
        var options = new TiersOptions();
        configuration.GetSection(TiersOptions.SectionName).Bind(options);

        var catalog = TierCatalog.FromOptions(options);

        catalog.DefaultTier.Id.ShouldBe("basic");
        catalog.Resolve("free").ShouldBe(TierCatalog.Free with { MaxSecondsPerConversation = 300, MonthlyDollars = 0.50m });
        var clinic = catalog.Resolve("clinic");
        clinic.MonthlySeconds.ShouldBe(360_000);
        clinic.Allows(UpstreamMode.SpeechToSpeech).ShouldBeTrue();
        clinic.Allows(UpstreamMode.Cascade).ShouldBeFalse();
    }

    [Fact]
    public void Incomplete_new_tier_and_unknown_default_are_errors()
    {
        var options = new TiersOptions { DefaultTier = "gold" };
        options.Items["silver"] = new TierOptions { MonthlyMinutes = 10 };

        var errors = TierCatalog.Validate(options);

        errors.Count.ShouldBe(2);
        Should.Throw<ArgumentException>(() => TierCatalog.FromOptions(options));
    }

    [Fact]
    public void Each_bad_tier_setting_is_named_with_its_value()
    {
        var options = new TiersOptions { DefaultTier = "gold" };
        options.Items["free"] = new TierOptions { MaxSecondsPerConversation = 0, MonthlyDollars = -1m };
        options.Items["basic"] = new TierOptions { WarningBeforeEndSeconds = -5 };
        options.Items["silver"] = new TierOptions { MonthlyMinutes = 10, AllowedModes = { UpstreamMode.Cascade } };

        var errors = TierCatalog.Validate(options);

        errors.ShouldBe(
        [
            "tier 'silver' is new and lacks MaxSecondsPerConversation, MonthlyDollars, MonthlyConversations",
            "tier 'free': MaxSecondsPerConversation must be positive (is 0)",
            "tier 'free': MonthlyDollars must not be negative (is -1)",
            "tier 'basic': WarningBeforeEndSeconds must not be negative (is -5)",
            "DefaultTier 'gold' is not a tier (tiers: free, basic, premium)",
        ]);
        Should.Throw<ArgumentException>(() => TierCatalog.FromOptions(options)).Message.ShouldContain(errors[3]);
    }
}
