using System.Text.Json;

namespace Conversations.Domain.Characters;

/// <summary>The characters users may pick, built from <see cref="CharactersOptions"/> over the built-in defaults.</summary>
public sealed class CharacterCatalog
{
    private readonly Dictionary<string, Character> _byId;

    private CharacterCatalog(IReadOnlyList<Character> characters)
    {
        All = characters;
        _byId = characters.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    /// <summary>Every character, defaults first in their fixed order, then added ones by id.</summary>
    public IReadOnlyList<Character> All { get; }

    /// <summary>The catalog of the six built-in characters only.</summary>
    public static CharacterCatalog Default { get; } = new(DefaultCharacters.All);

    /// <summary>Builds the catalog; throws <see cref="ArgumentException"/> listing every problem when the options are invalid.</summary>
    public static CharacterCatalog FromOptions(CharactersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (characters, errors) = Build(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid characters configuration: " + string.Join("; ", errors), nameof(options));
        }

        return new CharacterCatalog(characters);
    }

    /// <summary>Every problem with <paramref name="options"/> (empty when valid), for start-up validation.</summary>
    public static IReadOnlyList<string> Validate(CharactersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Build(options).Errors;
    }

    /// <summary>Finds a character by id (ordinal, case-sensitive).</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Character? character) =>
        _byId.TryGetValue(id, out character);

    /// <summary>The character with <paramref name="id"/>; throws <see cref="KeyNotFoundException"/> when unknown.</summary>
    public Character Get(string id) =>
        _byId.TryGetValue(id, out var character) ? character : throw new KeyNotFoundException($"Unknown character '{id}'.");

    /// <summary>What clients may see of every character.</summary>
    public IReadOnlyList<CharacterListing> Listings() => All.Select(c => c.ToListing()).ToArray();

    private static (List<Character> Characters, List<string> Errors) Build(CharactersOptions options)
    {
        var errors = new List<string>();
        var result = new List<Character>();
        var defaults = options.IncludeDefaults ? DefaultCharacters.All : [];
        foreach (var character in defaults)
        {
            if (!options.Items.TryGetValue(character.Id, out var overrides))
            {
                result.Add(character);
            }
            else if (overrides.Enabled)
            {
                result.Add(Merge(character, overrides));
            }
        }

        foreach (var (id, item) in options.Items.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!item.Enabled || defaults.Any(d => string.Equals(d.Id, id, StringComparison.Ordinal)))
            {
                continue;
            }

            var missing = new List<string>();
            Require(item.DisplayName, nameof(item.DisplayName), missing);
            Require(item.Voice, nameof(item.Voice), missing);
            Require(item.Role, nameof(item.Role), missing);
            Require(item.Scope, nameof(item.Scope), missing);
            if (item.ClosingLines.Count == 0)
            {
                missing.Add(nameof(item.ClosingLines));
            }

            if (missing.Count > 0)
            {
                errors.Add($"character '{id}' is new and lacks {string.Join(", ", missing)}");
                continue;
            }

            var blank = new Character(
                id, "", "", LanguageCode.English,
                new CharacterInstructions("", "", [], "", DefaultCharacters.CommonMustNot, DefaultCharacters.DefaultAnswerLength, new Dictionary<string, string>(StringComparer.Ordinal)),
                "alloy", UpstreamMode.Cascade, id, null, VadSettings.Default, []);
            result.Add(Merge(blank, item));
        }

        foreach (var character in result)
        {
            Check(character, errors);
        }

        return (result, errors);
    }

    private static Character Merge(Character basis, CharacterOptions o)
    {
        var i = basis.Instructions;
        var closing = new Dictionary<string, string>(i.ClosingLines, StringComparer.Ordinal);
        foreach (var (language, line) in o.ClosingLines)
        {
            closing[LanguageCode.Primary(language) ?? language] = line;
        }

        var mode = o.Mode ?? basis.Mode;
        var model = o.UpstreamModel ?? (mode == basis.Mode ? basis.UpstreamModel : DefaultModelFor(mode, basis.Id));
        return basis with
        {
            DisplayName = o.DisplayName ?? basis.DisplayName,
            Description = o.Description ?? basis.Description,
            Language = LanguageCode.Primary(o.Language) ?? basis.Language,
            Voice = o.Voice ?? basis.Voice,
            Mode = mode,
            UpstreamModel = model,
            TextModel = o.TextModel ?? basis.TextModel,
            Instructions = new CharacterInstructions(
                o.Role ?? i.Role,
                o.Personality ?? i.Personality,
                o.Examples.Count > 0 ? o.Examples.ToArray() : i.Examples,
                o.Scope ?? i.Scope,
                o.MustNot.Count > 0 ? o.MustNot.ToArray() : i.MustNot,
                o.AnswerLength ?? i.AnswerLength,
                closing),
            Vad = o.Vad is null
                ? basis.Vad
                : new VadSettings(
                    o.Vad.Threshold ?? basis.Vad.Threshold,
                    o.Vad.PrefixPaddingMs ?? basis.Vad.PrefixPaddingMs,
                    o.Vad.SilenceDurationMs ?? basis.Vad.SilenceDurationMs),
            Tools = o.Tools.Count > 0
                ? o.Tools.Select(t => new CharacterTool(t.Name, t.Description, t.ParametersJsonSchema)).ToArray()
                : basis.Tools,
        };
    }

    /// <summary>For the engine the model is the character id; for speech-to-speech, OpenAI's GA realtime model.</summary>
    private static string DefaultModelFor(UpstreamMode mode, string id) => mode == UpstreamMode.Cascade ? id : "gpt-realtime";

    private static void Require(string? value, string name, List<string> missing)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            missing.Add(name);
        }
    }

    private static void Check(Character c, List<string> errors)
    {
        var where = $"character '{c.Id}'";
        if (c.Id.Length is 0 or > 64 || !c.Id.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-'))
        {
            errors.Add($"{where}: id must be 1–64 characters of a-z, 0-9 and '-'");
        }

        if (!OpenAiVoices.All.Contains(c.Voice))
        {
            errors.Add($"{where}: unknown voice '{c.Voice}' (one of {string.Join(", ", OpenAiVoices.All.Order(StringComparer.Ordinal))})");
        }

        if (string.IsNullOrWhiteSpace(c.UpstreamModel))
        {
            errors.Add($"{where}: UpstreamModel is empty");
        }

        if (c.Vad.Threshold is < 0 or > 1 || double.IsNaN(c.Vad.Threshold))
        {
            errors.Add($"{where}: Vad.Threshold must be between 0 and 1");
        }

        if (c.Vad.PrefixPaddingMs is < 0 or > 5000 || c.Vad.SilenceDurationMs is < 100 or > 10000)
        {
            errors.Add($"{where}: Vad.PrefixPaddingMs must be 0–5000 and Vad.SilenceDurationMs 100–10000");
        }

        foreach (var tool in c.Tools)
        {
            if (string.IsNullOrWhiteSpace(tool.Name) || tool.Name.Length > 64)
            {
                errors.Add($"{where}: a tool needs a name of at most 64 characters");
            }

            try
            {
                using var schema = JsonDocument.Parse(tool.ParametersJsonSchema);
                if (schema.RootElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{where}: tool '{tool.Name}' schema is not a JSON object");
                }
            }
            catch (JsonException)
            {
                errors.Add($"{where}: tool '{tool.Name}' schema is not valid JSON");
            }
        }
    }
}
