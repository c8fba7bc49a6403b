namespace Conversations.Domain.Cost;

/// <summary>Dollar prices by model, applied to usage records with exact decimal arithmetic.</summary>
public sealed class PriceTable
{
    private const decimal Million = 1_000_000m;
    private readonly Dictionary<string, ModelPrice> _byModel;
    private readonly ModelPrice _fallback;

    private PriceTable(Dictionary<string, ModelPrice> byModel, ModelPrice fallback)
    {
        _byModel = byModel;
        _fallback = fallback;
    }

    /// <summary>OpenAI's public prices (dollars) and the free local providers.</summary>
    public static IReadOnlyDictionary<string, ModelPrice> Defaults { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-realtime"] = new(AudioInputPerMillion: 32m, CachedAudioInputPerMillion: 0.40m, TextInputPerMillion: 4m,
            CachedTextInputPerMillion: 0.40m, AudioOutputPerMillion: 64m, TextOutputPerMillion: 16m),
        ["gpt-realtime-mini"] = new(AudioInputPerMillion: 10m, CachedAudioInputPerMillion: 0.30m, TextInputPerMillion: 0.60m,
            CachedTextInputPerMillion: 0.06m, AudioOutputPerMillion: 20m, TextOutputPerMillion: 2.40m),
        ["gpt-4o-mini"] = new(TextInputPerMillion: 0.15m, CachedTextInputPerMillion: 0.075m, TextOutputPerMillion: 0.60m),
        ["whisper-1"] = new(SttPerMinute: 0.006m),
        ["gpt-4o-transcribe"] = new(SttPerMinute: 0.006m),
        ["gpt-4o-mini-transcribe"] = new(SttPerMinute: 0.003m),
        ["tts-1"] = new(TtsPerMillionCharacters: 15m),
        ["tts-1-hd"] = new(TtsPerMillionCharacters: 30m),
        ["local"] = ModelPrice.Free,
        ["scripted"] = ModelPrice.Free,
        ["pocketsphinx"] = ModelPrice.Free,
        ["flite"] = ModelPrice.Free,
        ["espeak-ng"] = ModelPrice.Free,
    };

    /// <summary>The built-in table, unknown models at zero.</summary>
    public static PriceTable Default { get; } = new(new Dictionary<string, ModelPrice>(Defaults, StringComparer.OrdinalIgnoreCase), ModelPrice.Free);

    /// <summary>Builds the table from configuration; throws <see cref="ArgumentException"/> listing every problem (<see cref="Validate"/>).</summary>
    public static PriceTable FromOptions(PricesOptions options)
    {
        var (table, errors) = Build(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid prices configuration: " + string.Join("; ", errors), nameof(options));
        }

        return table;
    }

    /// <summary>Every problem with <paramref name="options"/> (empty when valid): negative prices, a fallback model without prices.</summary>
    public static IReadOnlyList<string> Validate(PricesOptions options) => Build(options).Errors;

    private static (PriceTable Table, List<string> Errors) Build(PricesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var table = options.IncludeDefaults
            ? new Dictionary<string, ModelPrice>(Defaults, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, o) in options.Models.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            var b = table.GetValueOrDefault(model, ModelPrice.Free);
            var price = new ModelPrice(
                o.AudioInputPerMillion ?? b.AudioInputPerMillion, o.CachedAudioInputPerMillion ?? b.CachedAudioInputPerMillion,
                o.TextInputPerMillion ?? b.TextInputPerMillion, o.CachedTextInputPerMillion ?? b.CachedTextInputPerMillion,
                o.AudioOutputPerMillion ?? b.AudioOutputPerMillion, o.TextOutputPerMillion ?? b.TextOutputPerMillion,
                o.SttPerMinute ?? b.SttPerMinute, o.TtsPerMillionCharacters ?? b.TtsPerMillionCharacters);
            foreach (var (field, value) in new (string, decimal)[]
            {
                (nameof(price.AudioInputPerMillion), price.AudioInputPerMillion),
                (nameof(price.CachedAudioInputPerMillion), price.CachedAudioInputPerMillion),
                (nameof(price.TextInputPerMillion), price.TextInputPerMillion),
                (nameof(price.CachedTextInputPerMillion), price.CachedTextInputPerMillion),
                (nameof(price.AudioOutputPerMillion), price.AudioOutputPerMillion),
                (nameof(price.TextOutputPerMillion), price.TextOutputPerMillion),
                (nameof(price.SttPerMinute), price.SttPerMinute),
                (nameof(price.TtsPerMillionCharacters), price.TtsPerMillionCharacters),
            })
            {
                if (value < 0)
                {
                    errors.Add($"model '{model}': {field} must not be negative (is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
                }
            }

            table[model] = price;
        }

        var fallback = ModelPrice.Free;
        if (options.FallbackModel is not null && !table.TryGetValue(options.FallbackModel, out fallback!))
        {
            errors.Add($"FallbackModel '{options.FallbackModel}' has no prices (add it under Models, or name a priced model)");
            fallback = ModelPrice.Free;
        }

        return (new PriceTable(table, fallback), errors);
    }

    /// <summary>
    /// The prices of <paramref name="model"/>: an exact entry, else the longest entry that prefixes it at a '-' (so dated
    /// snapshots like <c>gpt-realtime-2025-08-28</c> find <c>gpt-realtime</c>), else none.
    /// </summary>
    public bool TryFind(string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPrice? price)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_byModel.TryGetValue(model, out price))
        {
            return true;
        }

        for (var cut = model.LastIndexOf('-'); cut > 0; cut = model.LastIndexOf('-', cut - 1))
        {
            if (_byModel.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(model.AsSpan(0, cut), out price))
            {
                return true;
            }
        }

        price = null;
        return false;
    }

    /// <summary>The prices of <paramref name="model"/>, or the fallback's.</summary>
    public ModelPrice For(string model) => TryFind(model, out var price) ? price : _fallback;

    /// <summary>The models among <paramref name="models"/> that have no prices of their own, for start-up checks.</summary>
    public IReadOnlyList<string> Unpriced(IEnumerable<string> models) =>
        models.Distinct(StringComparer.OrdinalIgnoreCase).Where(m => !TryFind(m, out _)).ToArray();

    /// <summary>The dollars of one usage record, by part.</summary>
    public UsageCost Quote(UsageRecord usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var p = For(usage.Model);
        var t = usage.Tokens;
        var cachedText = Math.Clamp(t.CachedTextInput, 0, Math.Max(0, t.TextInput));
        var cachedAudio = Math.Clamp(t.CachedAudioInput, 0, Math.Max(0, t.AudioInput));
        var tokens =
            ((t.TextInput - cachedText) * p.TextInputPerMillion +
             cachedText * p.CachedTextInputPerMillion +
             (t.AudioInput - cachedAudio) * p.AudioInputPerMillion +
             cachedAudio * p.CachedAudioInputPerMillion +
             t.TextOutput * p.TextOutputPerMillion +
             t.AudioOutput * p.AudioOutputPerMillion) / Million;

        // Multiply before dividing so per-minute prices stay exact.
        var stt = usage.SttSeconds <= 0m ? 0m : usage.SttSeconds * For(usage.SttModel ?? usage.Model).SttPerMinute / 60m;
        var tts = usage.TtsCharacters <= 0 ? 0m : usage.TtsCharacters * For(usage.TtsModel ?? usage.Model).TtsPerMillionCharacters / Million;
        return new UsageCost(tokens, stt, tts);
    }

    /// <summary>The dollars charged for one usage record.</summary>
    public decimal DollarsFor(UsageRecord usage) => Quote(usage).Total;
}
