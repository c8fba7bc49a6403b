namespace Conversations.Domain.Emergency;

/// <summary>Configuration section <c>Emergency</c>: crisis resources by region and safety messages by language.</summary>
public sealed class EmergencyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Emergency";

    /// <summary>Region used when a locale names none that is known (default "US").</summary>
    public string DefaultRegion { get; set; } = "US";

    /// <summary>Resources by region code ("KR", "US", "GB" …); an entry replaces that region's whole list.</summary>
    public Dictionary<string, List<CrisisResourceOptions>> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Region by language ("ko" → "KR", "en" → "US" by default).</summary>
    public Dictionary<string, string> RegionByLanguage { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Level-3 messages by key "en", "ko", "en.medical", "ko.medical"; <c>{emergency}</c> and <c>{crisis}</c> are filled in.</summary>
    public Dictionary<string, string> SafetyMessages { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One crisis resource in configuration.</summary>
public sealed class CrisisResourceOptions
{
    public string Name { get; set; } = "";

    public string Phone { get; set; } = "";

    public string? Url { get; set; }
}
