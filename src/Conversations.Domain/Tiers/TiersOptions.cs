using Conversations.Domain.Characters;

namespace Conversations.Domain.Tiers;

/// <summary>Configuration section <c>Tiers</c>: tiers by id over the built-in free/basic/premium.</summary>
public sealed class TiersOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Tiers";

    /// <summary>The tier of users whose token names none (default "free").</summary>
    public string DefaultTier { get; set; } = "free";

    /// <summary>Whether free, basic and premium are built in (default true).</summary>
    public bool IncludeDefaults { get; set; } = true;

    /// <summary>Tiers by id; an entry named like a default overrides the fields it sets.</summary>
    public Dictionary<string, TierOptions> Items { get; } = new(StringComparer.Ordinal);
}

/// <summary>One tier in configuration; unset fields keep the default's value (all are required for a new id).</summary>
public sealed class TierOptions
{
    public int? MaxSecondsPerConversation { get; set; }

    public int? MonthlyMinutes { get; set; }

    public decimal? MonthlyDollars { get; set; }

    public int? MonthlyConversations { get; set; }

    /// <summary>When non-empty, replaces the default's modes.</summary>
    public List<UpstreamMode> AllowedModes { get; } = [];

    public int? WarningBeforeEndSeconds { get; set; }

    /// <summary>Conversations a user of this tier may have attached at once.</summary>
    public int? MaxConcurrentConversations { get; set; }
}
