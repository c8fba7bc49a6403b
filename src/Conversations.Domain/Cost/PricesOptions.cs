namespace Conversations.Domain.Cost;

/// <summary>Configuration section <c>Prices</c>: dollar prices by model name over the built-in table.</summary>
public sealed class PricesOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Prices";

    /// <summary>Whether OpenAI's public prices and the free local providers are built in (default true).</summary>
    public bool IncludeDefaults { get; set; } = true;

    /// <summary>Model whose prices apply to models not in the table; null prices them at zero (check with <see cref="PriceTable.Unpriced"/>).</summary>
    public string? FallbackModel { get; set; }

    /// <summary>Prices by model name; an entry named like a default overrides the fields it sets.</summary>
    public Dictionary<string, ModelPriceOptions> Models { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One model's prices in configuration, in dollars.</summary>
public sealed class ModelPriceOptions
{
    public decimal? AudioInputPerMillion { get; set; }

    public decimal? CachedAudioInputPerMillion { get; set; }

    public decimal? TextInputPerMillion { get; set; }

    public decimal? CachedTextInputPerMillion { get; set; }

    public decimal? AudioOutputPerMillion { get; set; }

    public decimal? TextOutputPerMillion { get; set; }

    public decimal? SttPerMinute { get; set; }

    public decimal? TtsPerMillionCharacters { get; set; }
}
