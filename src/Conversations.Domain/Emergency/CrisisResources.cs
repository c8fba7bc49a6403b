namespace Conversations.Domain.Emergency;

/// <summary>A help line or service a user can reach.</summary>
public sealed record CrisisResource(string Name, string Phone, string? Url);

/// <summary>Crisis resources and safety messages by region, from <see cref="EmergencyOptions"/> over the defaults (Korea, US).</summary>
public sealed class CrisisResources
{
    private static readonly Dictionary<string, IReadOnlyList<CrisisResource>> DefaultResources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["KR"] =
        [
            new("자살예방상담전화", "109", "https://www.mohw.go.kr"),
            new("정신건강위기상담전화", "1577-0199", null),
            new("응급 (119)", "119", null),
        ],
        ["US"] =
        [
            new("988 Suicide & Crisis Lifeline", "988", "https://988lifeline.org"),
            new("Emergency services", "911", null),
            new("Crisis Text Line (text HOME)", "741741", "https://www.crisistextline.org"),
        ],
    };

    private static readonly Dictionary<string, string> DefaultRegionByLanguage = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ko"] = "KR",
        ["en"] = "US",
    };

    private static readonly Dictionary<string, string> DefaultMessages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "I'm really concerned about your safety right now, and I'm glad you told me. Please call {emergency} now, " +
                 "or call {crisis} to talk with someone trained to help, any time. If you can, stay with someone you trust " +
                 "and move away from anything you could use to hurt yourself. You don't have to go through this alone.",
        ["ko"] = "지금 많이 걱정돼요. 이야기해 주셔서 고마워요. 지금 바로 {emergency}에 전화하시거나, 언제든 {crisis}에 전화해 " +
                 "전문 상담사와 이야기해 주세요. 가능하다면 믿을 수 있는 사람 곁에 있어 주시고, 위험한 물건은 멀리 두세요. " +
                 "혼자 견디지 않으셔도 돼요.",
        ["en.medical"] = "This could be a medical emergency. Please call {emergency} right now, or ask someone nearby to call. " +
                         "Don't drive yourself. Stay on the line and follow the dispatcher's instructions.",
        ["ko.medical"] = "응급 상황일 수 있어요. 지금 바로 {emergency}에 전화하시거나 주변 사람에게 전화를 부탁하세요. " +
                         "직접 운전하지 마시고, 상담원의 안내에 따라 주세요.",
    };

    private readonly Dictionary<string, IReadOnlyList<CrisisResource>> _byRegion;
    private readonly Dictionary<string, string> _regionByLanguage;
    private readonly Dictionary<string, string> _messages;
    private readonly string _defaultRegion;

    private CrisisResources(
        Dictionary<string, IReadOnlyList<CrisisResource>> byRegion, Dictionary<string, string> regionByLanguage,
        Dictionary<string, string> messages, string defaultRegion)
    {
        _byRegion = byRegion;
        _regionByLanguage = regionByLanguage;
        _messages = messages;
        _defaultRegion = defaultRegion;
    }

    /// <summary>Korea (109, 1577-0199, 119) and the US (988, 911, 741741).</summary>
    public static CrisisResources Default { get; } = FromOptions(new EmergencyOptions());

    /// <summary>Builds from configuration; entries replace the default region's list or message of the same key. Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static CrisisResources FromOptions(EmergencyOptions options)
    {
        var (resources, errors) = Build(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid emergency configuration: " + string.Join("; ", errors), nameof(options));
        }

        return resources;
    }

    /// <summary>Every problem with <paramref name="options"/> (empty when valid), for start-up validation.</summary>
    public static IReadOnlyList<string> Validate(EmergencyOptions options) => Build(options).Errors;

    private static (CrisisResources Resources, List<string> Errors) Build(EmergencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var byRegion = new Dictionary<string, IReadOnlyList<CrisisResource>>(DefaultResources, StringComparer.OrdinalIgnoreCase);
        foreach (var (region, list) in options.Resources.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (list.Count == 0)
            {
                errors.Add($"Resources:{region} is empty (a region needs at least one resource)");
            }

            for (var i = 0; i < list.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(list[i].Name))
                {
                    errors.Add($"Resources:{region}:{i}: Name is required");
                }

                if (string.IsNullOrWhiteSpace(list[i].Phone))
                {
                    errors.Add($"Resources:{region}:{i}: Phone is required");
                }
            }

            byRegion[region] = list.Select(r => new CrisisResource(r.Name, r.Phone, r.Url)).ToArray();
        }

        var regionByLanguage = new Dictionary<string, string>(DefaultRegionByLanguage, StringComparer.OrdinalIgnoreCase);
        foreach (var (language, region) in options.RegionByLanguage.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (!byRegion.ContainsKey(region))
            {
                errors.Add($"RegionByLanguage:{language} names region '{region}', which has no resources (regions: {Regions(byRegion)})");
            }

            regionByLanguage[language] = region;
        }

        var messages = new Dictionary<string, string>(DefaultMessages, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, message) in options.SafetyMessages.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(message))
            {
                errors.Add($"SafetyMessages:{key} is empty");
            }

            messages[key] = message;
        }

        if (!byRegion.ContainsKey(options.DefaultRegion))
        {
            errors.Add($"DefaultRegion '{options.DefaultRegion}' has no crisis resources (regions: {Regions(byRegion)})");
        }

        return (new CrisisResources(byRegion, regionByLanguage, messages, options.DefaultRegion), errors);
    }

    private static string Regions(Dictionary<string, IReadOnlyList<CrisisResource>> byRegion) =>
        string.Join(", ", byRegion.Keys.Order(StringComparer.OrdinalIgnoreCase));

    /// <summary>The region for a locale such as "ko-KR", "en-US", "en" or "ko": its region subtag if known, else its language's region, else the default.</summary>
    public string RegionFor(string? locale)
    {
        if (!string.IsNullOrWhiteSpace(locale))
        {
            var parts = locale.Split('-', '_');
            if (parts.Length > 1 && _byRegion.ContainsKey(parts[^1]))
            {
                return parts[^1].ToUpperInvariant();
            }

            if (_regionByLanguage.TryGetValue(parts[0], out var region) && _byRegion.ContainsKey(region))
            {
                return region;
            }
        }

        return _defaultRegion;
    }

    /// <summary>The resources to show for <paramref name="locale"/>.</summary>
    public IReadOnlyList<CrisisResource> For(string? locale) => _byRegion[RegionFor(locale)];

    /// <summary>
    /// The level-3 safety message that replaces the model's answer, in <paramref name="language"/> (English if none is
    /// configured), with the emergency and crisis numbers of <paramref name="locale"/>'s region.
    /// </summary>
    public string SafetyMessage(EmergencyCategory category, string? language, string? locale = null)
    {
        var primary = LanguageCode.Primary(language) ?? LanguageCode.English;
        var medical = category == EmergencyCategory.MedicalEmergency;
        var key = medical ? primary + ".medical" : primary;
        if (!_messages.TryGetValue(key, out var template) && !_messages.TryGetValue(medical ? "en.medical" : "en", out template))
        {
            template = DefaultMessages["en"];
        }

        var resources = For(locale ?? language);
        var emergency = resources.FirstOrDefault(r => r.Phone.Length == 3 && r.Phone is "119" or "911" or "112" or "999" or "000")
                        ?? resources[^1];
        var crisis = resources.FirstOrDefault(r => !ReferenceEquals(r, emergency)) ?? emergency;
        return template.Replace("{emergency}", emergency.Phone, StringComparison.Ordinal)
                       .Replace("{crisis}", crisis.Phone + " (" + crisis.Name + ")", StringComparison.Ordinal);
    }
}
