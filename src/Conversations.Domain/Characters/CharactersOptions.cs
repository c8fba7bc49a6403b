namespace Conversations.Domain.Characters;

/// <summary>Configuration section <c>Characters</c>: entries override the built-in defaults field by field, or add characters.</summary>
public sealed class CharactersOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Characters";

    /// <summary>Whether the six built-in characters are part of the catalog (default true).</summary>
    public bool IncludeDefaults { get; set; } = true;

    /// <summary>Characters by id; an entry whose id is a default overrides only the fields it sets.</summary>
    public Dictionary<string, CharacterOptions> Items { get; } = new(StringComparer.Ordinal);
}

/// <summary>One character in configuration; unset fields keep the default's value (required for new ids: see <see cref="CharacterCatalog.Validate"/>).</summary>
public sealed class CharacterOptions
{
    /// <summary>False removes a default character.</summary>
    public bool Enabled { get; set; } = true;

    public string? DisplayName { get; set; }

    public string? Description { get; set; }

    public string? Language { get; set; }

    public string? Voice { get; set; }

    public UpstreamMode? Mode { get; set; }

    public string? UpstreamModel { get; set; }

    public string? TextModel { get; set; }

    public string? Role { get; set; }

    public string? Personality { get; set; }

    public List<string> Examples { get; } = [];

    public string? Scope { get; set; }

    public List<string> MustNot { get; } = [];

    public string? AnswerLength { get; set; }

    /// <summary>Closing lines by language ("en", "ko").</summary>
    public Dictionary<string, string> ClosingLines { get; } = new(StringComparer.OrdinalIgnoreCase);

    public VadOptions? Vad { get; set; }

    /// <summary>When non-empty, replaces the default's tools.</summary>
    public List<ToolOptions> Tools { get; } = [];
}

/// <summary>VAD overrides; unset fields keep the character's values.</summary>
public sealed class VadOptions
{
    public double? Threshold { get; set; }

    public int? PrefixPaddingMs { get; set; }

    public int? SilenceDurationMs { get; set; }
}

/// <summary>A function tool in configuration.</summary>
public sealed class ToolOptions
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>JSON schema of the parameters, as a JSON string.</summary>
    public string ParametersJsonSchema { get; set; } = """{"type":"object","properties":{}}""";
}
