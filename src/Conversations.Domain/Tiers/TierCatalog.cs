using Conversations.Domain.Characters;

namespace Conversations.Domain.Tiers;

/// <summary>The subscription tiers, built from <see cref="TiersOptions"/> over the defaults.</summary>
public sealed class TierCatalog
{
    private readonly Dictionary<string, Tier> _byId;

    private TierCatalog(IReadOnlyList<Tier> tiers, Tier defaultTier)
    {
        All = tiers;
        DefaultTier = defaultTier;
        _byId = tiers.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    /// <summary>Free: 10 minutes a conversation, 60 minutes, $1 and 20 conversations a month, cascade only, 2 at once.</summary>
    public static Tier Free { get; } = new("free", 600, 60, 1.00m, 20, [UpstreamMode.Cascade], 60, MaxConcurrentConversations: 2);

    /// <summary>Basic: 30 minutes a conversation, 300 minutes, $10 and 100 conversations a month, both modes, 3 at once.</summary>
    public static Tier Basic { get; } = new("basic", 1800, 300, 10.00m, 100, [UpstreamMode.Cascade, UpstreamMode.SpeechToSpeech], 120, MaxConcurrentConversations: 3);

    /// <summary>Premium: 60 minutes a conversation, 1,200 minutes, $60 and 500 conversations a month, both modes, 10 at once.</summary>
    public static Tier Premium { get; } = new("premium", 3600, 1200, 60.00m, 500, [UpstreamMode.Cascade, UpstreamMode.SpeechToSpeech], 120, MaxConcurrentConversations: 10);

    /// <summary>The three defaults with free as the default tier.</summary>
    public static TierCatalog Default { get; } = new([Free, Basic, Premium], Free);

    /// <summary>Every tier.</summary>
    public IReadOnlyList<Tier> All { get; }

    /// <summary>The tier for users with none named.</summary>
    public Tier DefaultTier { get; }

    /// <summary>The tier <paramref name="id"/>, or the default tier when it is null or unknown.</summary>
    public Tier Resolve(string? id) => id is not null && _byId.TryGetValue(id, out var tier) ? tier : DefaultTier;

    /// <summary>Finds a tier by id.</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tier? tier) => _byId.TryGetValue(id, out tier);

    /// <summary>Every problem with <paramref name="options"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(TiersOptions options) => Build(options).Errors;

    /// <summary>Builds the catalog; throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static TierCatalog FromOptions(TiersOptions options)
    {
        var (tiers, errors) = Build(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid tiers configuration: " + string.Join("; ", errors), nameof(options));
        }

        return new TierCatalog(tiers, tiers.First(t => string.Equals(t.Id, options.DefaultTier, StringComparison.Ordinal)));
    }

    private static (List<Tier> Tiers, List<string> Errors) Build(TiersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var tiers = new List<Tier>();
        var defaults = options.IncludeDefaults ? Default.All : [];
        foreach (var basis in defaults)
        {
            tiers.Add(options.Items.TryGetValue(basis.Id, out var o) ? Merge(basis, o) : basis);
        }

        foreach (var (id, o) in options.Items.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (defaults.Any(d => string.Equals(d.Id, id, StringComparison.Ordinal)))
            {
                continue;
            }

            var missing = new (string Name, bool IsMissing)[]
            {
                (nameof(o.MaxSecondsPerConversation), o.MaxSecondsPerConversation is null),
                (nameof(o.MonthlyMinutes), o.MonthlyMinutes is null),
                (nameof(o.MonthlyDollars), o.MonthlyDollars is null),
                (nameof(o.MonthlyConversations), o.MonthlyConversations is null),
                (nameof(o.AllowedModes), o.AllowedModes.Count == 0),
            }.Where(f => f.IsMissing).Select(f => f.Name).ToList();
            if (missing.Count > 0)
            {
                errors.Add($"tier '{id}' is new and lacks {string.Join(", ", missing)}");
                continue;
            }

            tiers.Add(Merge(new Tier(id, 0, 0, 0m, 0, [], 60), o));
        }

        foreach (var t in tiers)
        {
            Check(t, errors);
        }

        if (!tiers.Exists(t => string.Equals(t.Id, options.DefaultTier, StringComparison.Ordinal)))
        {
            errors.Add($"DefaultTier '{options.DefaultTier}' is not a tier (tiers: {string.Join(", ", tiers.Select(t => t.Id))})");
        }

        return (tiers, errors);
    }

    private static void Check(Tier t, List<string> errors)
    {
        var where = $"tier '{t.Id}'";
        if (t.MaxSecondsPerConversation <= 0)
        {
            errors.Add($"{where}: MaxSecondsPerConversation must be positive (is {t.MaxSecondsPerConversation})");
        }

        if (t.MonthlyMinutes < 0)
        {
            errors.Add($"{where}: MonthlyMinutes must not be negative (is {t.MonthlyMinutes})");
        }

        if (t.MonthlyDollars < 0m)
        {
            errors.Add($"{where}: MonthlyDollars must not be negative (is {t.MonthlyDollars.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }

        if (t.MonthlyConversations < 0)
        {
            errors.Add($"{where}: MonthlyConversations must not be negative (is {t.MonthlyConversations})");
        }

        if (t.WarningBeforeEndSeconds < 0)
        {
            errors.Add($"{where}: WarningBeforeEndSeconds must not be negative (is {t.WarningBeforeEndSeconds})");
        }

        if (t.AllowedModes.Count == 0)
        {
            errors.Add($"{where}: AllowedModes must name at least one mode ({string.Join(", ", Enum.GetNames<UpstreamMode>())})");
        }

        if (t.MaxConcurrentConversations <= 0)
        {
            errors.Add($"{where}: MaxConcurrentConversations must be positive (is {t.MaxConcurrentConversations})");
        }
    }

    private static Tier Merge(Tier basis, TierOptions o) => basis with
    {
        MaxSecondsPerConversation = o.MaxSecondsPerConversation ?? basis.MaxSecondsPerConversation,
        MonthlyMinutes = o.MonthlyMinutes ?? basis.MonthlyMinutes,
        MonthlyDollars = o.MonthlyDollars ?? basis.MonthlyDollars,
        MonthlyConversations = o.MonthlyConversations ?? basis.MonthlyConversations,
        AllowedModes = o.AllowedModes.Count > 0 ? o.AllowedModes.Distinct().ToArray() : basis.AllowedModes,
        WarningBeforeEndSeconds = o.WarningBeforeEndSeconds ?? basis.WarningBeforeEndSeconds,
        MaxConcurrentConversations = o.MaxConcurrentConversations ?? basis.MaxConcurrentConversations,
    };
}
