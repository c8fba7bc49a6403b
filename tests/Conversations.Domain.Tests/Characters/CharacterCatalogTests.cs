using Conversations.Domain.Characters;
using Microsoft.Extensions.Configuration;

namespace Conversations.Domain.Tests.Characters;

public sealed class CharacterCatalogTests
{
    [Fact]
    public void Defaults_are_the_six_characters_of_the_brief_with_their_voices()
    {
        var catalog = CharacterCatalog.FromOptions(new CharactersOptions());

        catalog.All.Select(c => (c.Id, c.Voice)).ShouldBe(
        [
            ("internal-medicine", "sage"), ("mental-health", "echo"), ("nutrition", "cedar"),
            ("womens-health", "marin"), ("children", "shimmer"), ("geriatrics", "alloy"),
        ]);
    }

    [Fact]
    public void Default_cascade_characters_use_their_id_as_the_engine_model()
    {
        foreach (var character in CharacterCatalog.Default.All)
        {
            character.Mode.ShouldBe(UpstreamMode.Cascade);
            character.UpstreamModel.ShouldBe(character.Id);
        }
    }

    [Fact]
    public void Every_default_has_instructions_with_all_parts_and_bilingual_closing_lines()
    {
        foreach (var character in CharacterCatalog.Default.All)
        {
            var text = character.ComposeInstructions();
            text.ShouldContain("# Role");
            text.ShouldContain("# You must not");
            text.ShouldContain("Diagnose");
            text.ShouldContain("Prescribe");
            text.ShouldContain("# Answer length");
            text.ShouldContain("# Example lines");
            text.ShouldContain(character.Instructions.Examples[0]);
            text.ShouldContain("109");
            text.ShouldContain("988");
            character.Instructions.Examples.Count.ShouldBe(2);
            character.ClosingLine("en").ShouldNotBeNullOrWhiteSpace();
            character.ClosingLine("ko-KR").Any(LanguageCode.IsHangul).ShouldBeTrue();
        }

        CharacterCatalog.Validate(new CharactersOptions()).ShouldBeEmpty();
    }

    [Fact]
    public void Closing_line_falls_back_to_English_for_an_unknown_language()
    {
        var character = CharacterCatalog.Default.Get("nutrition");

        character.ClosingLine("fr").ShouldBe(character.ClosingLine("en"));
        character.ClosingLine().ShouldBe(character.ClosingLine("en"));
    }

    [Fact]
    public void Listing_never_carries_instructions()
    {
        var listing = CharacterCatalog.Default.Listings()[1];

        listing.ShouldBe(new CharacterListing("mental-health", "Mental health", listing.Description, "en", "echo", UpstreamMode.Cascade));
        typeof(CharacterListing).GetProperties().Select(p => p.Name).ShouldNotContain("Instructions");
    }

    [Fact]
    public void Configuration_overrides_a_default_field_by_field_and_adds_new_characters()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Characters:Items:mental-health:Voice"] = "ballad",
            ["Characters:Items:mental-health:Mode"] = "SpeechToSpeech",
            ["Characters:Items:mental-health:Vad:SilenceDurationMs"] = "1000",
            ["Characters:Items:mental-health:ClosingLines:ko"] = "안녕히 가세요.",
            ["Characters:Items:children:Enabled"] = "false",
            ["Characters:Items:sleep-coach:DisplayName"] = "Sleep coach",
            ["Characters:Items:sleep-coach:Voice"] = "verse",
            ["Characters:Items:sleep-coach:Role"] = "You help people sleep better.",
            ["Characters:Items:sleep-coach:Scope"] = "Sleep habits.",
            ["Characters:Items:sleep-coach:ClosingLines:en"] = "Sleep well.",
            ["Characters:Items:sleep-coach:Examples:0"] = "What time do you usually go to bed?",
            ["Characters:Items:sleep-coach:Tools:0:Name"] = "log_sleep",
            ["Characters:Items:sleep-coach:Tools:0:Description"] = "Record last night's sleep.",
            ["Characters:Items:sleep-coach:Tools:0:ParametersJsonSchema"] = """{"type":"object","properties":{"hours":{"type":"number"}}}""",
        }).Build();
        var options = new CharactersOptions();
        configuration.GetSection(CharactersOptions.SectionName).Bind(options);

        var catalog = CharacterCatalog.FromOptions(options);

        catalog.All.Select(c => c.Id).ShouldBe(["internal-medicine", "mental-health", "nutrition", "womens-health", "geriatrics", "sleep-coach"]);
        var mental = catalog.Get("mental-health");
        mental.Voice.ShouldBe("ballad");
        mental.Mode.ShouldBe(UpstreamMode.SpeechToSpeech);
        mental.UpstreamModel.ShouldBe("gpt-realtime");
        mental.Vad.ShouldBe(new VadSettings(0.5, 300, 1000));
        mental.ClosingLine("ko").ShouldBe("안녕히 가세요.");
        mental.Instructions.Role.ShouldBe(DefaultCharacters.MentalHealth.Instructions.Role);
        var sleep = catalog.Get("sleep-coach");
        sleep.UpstreamModel.ShouldBe("sleep-coach");
        sleep.Tools.ShouldHaveSingleItem().Name.ShouldBe("log_sleep");
        sleep.Instructions.MustNot.ShouldBe(DefaultCharacters.CommonMustNot);
        catalog.TryGet("children", out _).ShouldBeFalse();
    }

    [Fact]
    public void Invalid_configuration_lists_every_problem()
    {
        var options = new CharactersOptions();
        options.Items["nutrition"] = new CharacterOptions { Voice = "robot" };
        options.Items["Bad Id"] = new CharacterOptions { DisplayName = "x", Voice = "alloy", Role = "r", Scope = "s" };
        options.Items["half"] = new CharacterOptions { DisplayName = "Half" };
        options.Items["internal-medicine"] = new CharacterOptions { Vad = new VadOptions { Threshold = 2 } };

        var errors = CharacterCatalog.Validate(options);

        errors.ShouldContain(e => e.Contains("'nutrition': unknown voice 'robot'", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("'Bad Id' is new and lacks ClosingLines", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("'half' is new and lacks Voice, Role, Scope, ClosingLines", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Contains("Vad.Threshold", StringComparison.Ordinal));
        Should.Throw<ArgumentException>(() => CharacterCatalog.FromOptions(options));
    }
}
