using System.Globalization;
using System.Text;

namespace Conversations.Domain.Emergency.Classifier;

/// <summary>The classes the classifier tells apart: each level with its category.</summary>
internal static class CrisisClasses
{
    /// <summary>Class names in weight-column order.</summary>
    public static readonly string[] Names =
        ["0 None", "1 Distress", "2 SelfHarm", "2 HarmToOthers", "2 MedicalEmergency", "3 SuicideIntent", "3 HarmToOthers", "3 MedicalEmergency"];

    public static readonly int[] Levels = [0, 1, 2, 2, 2, 3, 3, 3];

    public static readonly EmergencyCategory[] Categories =
    [
        EmergencyCategory.None, EmergencyCategory.Distress, EmergencyCategory.SelfHarm, EmergencyCategory.HarmToOthers,
        EmergencyCategory.MedicalEmergency, EmergencyCategory.SuicideIntent, EmergencyCategory.HarmToOthers, EmergencyCategory.MedicalEmergency,
    ];

    public static int Count => Names.Length;

    /// <summary>The class of a label; level 1 is always distress.</summary>
    public static int Of(int level, EmergencyCategory category)
    {
        for (var c = 0; c < Count; c++)
        {
            if (Levels[c] == level && (level <= 1 || Categories[c] == category))
            {
                return c;
            }
        }

        throw new ArgumentException($"No class for level {level} {category}.", nameof(category));
    }
}

/// <summary>Probability cut-offs that turn the classifier's probabilities into a level for one language, and how the lexicon gates it.</summary>
/// <param name="Level3">P(level 3) at or above this is level 3 …</param>
/// <param name="Level2">P(level ≥ 2) at or above this is level 2 …</param>
/// <param name="Level1">P(level ≥ 1) at or above this is level 1.</param>
/// <param name="Veto">Where the lexicon found idiom, fiction, negation or recovery, a higher classifier level counts only at or above this confidence.</param>
/// <param name="Level3Alone">… but only where the lexicon saw a risk phrase, unless P(level 3) reaches this (above 1: never) …</param>
/// <param name="Level2Alone">… but only where the lexicon saw a risk phrase or a cue of risk, unless P(level ≥ 2) reaches this (above 1: never).</param>
/// <param name="Level3Cue">… or this where the lexicon saw a cue of risk (means, place, time, plan …) but no risk phrase.</param>
internal sealed record ClassifierThresholds(double Level3, double Level2, double Level1, double Veto, double Level3Alone = 0, double Level2Alone = 0, double Level3Cue = 0)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"level3={Level3:0.###} level2={Level2:0.###} level1={Level1:0.###} veto={Veto:0.###} level3-alone={Level3Alone:0.###} level3-cue={Level3Cue:0.###} level2-alone={Level2Alone:0.###}");

    public static ClassifierThresholds Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new ClassifierThresholds(values["level3"], values["level2"], values["level1"], values["veto"],
            values.GetValueOrDefault("level3-alone"), values.GetValueOrDefault("level2-alone"), values.GetValueOrDefault("level3-cue"));
    }

    /// <summary>
    /// The level these thresholds give: P(level 3) and P(level ≥ 2) count only with the lexicon's support
    /// (<paramref name="riskPhrase"/>, <paramref name="anchored"/>) or above the stricter "alone" cut-offs, and where the
    /// lexicon read the risk words as harmless (<paramref name="protective"/>) only above the veto.
    /// </summary>
    public (int Level, double Confidence) LevelOf(ClassifierReading reading, bool riskPhrase, bool anchored, bool protective)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var p3 = reading.AtLeast(3);
        if (p3 >= Level3 && (riskPhrase || (anchored && p3 >= Level3Cue) || p3 >= Level3Alone) && (!protective || p3 >= Veto))
        {
            return (3, p3);
        }

        var p2 = reading.AtLeast(2);
        if (p2 >= Level2 && (anchored || p2 >= Level2Alone) && (!protective || p2 >= Veto))
        {
            return (2, p2);
        }

        var p1 = reading.AtLeast(1);
        return p1 >= Level1 && (!protective || p1 >= Veto) ? (1, p1) : (0, 1 - p1);
    }
}

/// <summary>The thresholds of each language the classifier reads: Korean for text that is mostly Hangul, English otherwise.</summary>
internal sealed record LanguageThresholds(ClassifierThresholds English, ClassifierThresholds Korean)
{
    /// <summary>The thresholds for <paramref name="language"/> ("ko" or anything else).</summary>
    public ClassifierThresholds For(string language) => string.Equals(language, LanguageCode.Korean, StringComparison.Ordinal) ? Korean : English;

    /// <summary>"en: level3=… | ko: level3=…", as written in the model file.</summary>
    public override string ToString() => $"en: {English} | ko: {Korean}";

    public static LanguageThresholds Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('|', StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            var both = ClassifierThresholds.Parse(parts[0]);
            return new LanguageThresholds(both, both);
        }

        var byLanguage = parts.ToDictionary(p => p[..p.IndexOf(':', StringComparison.Ordinal)], p => ClassifierThresholds.Parse(p[(p.IndexOf(':', StringComparison.Ordinal) + 1)..]), StringComparer.Ordinal);
        return new LanguageThresholds(byLanguage[LanguageCode.English], byLanguage[LanguageCode.Korean]);
    }
}

/// <summary>The classifier's reading of one utterance.</summary>
/// <param name="Probabilities">Per class of <see cref="CrisisClasses"/>, then, when the model has level heads, P(level ≥ 1), P(≥ 2), P(≥ 3).</param>
/// <param name="Level">The level by the thresholds.</param>
/// <param name="Category">The likeliest category at that level.</param>
/// <param name="Confidence">P(level ≥ <see cref="Level"/>); for level 0, P(level 0).</param>
/// <param name="Evidence">The n-grams that weighed most for the category, as "model:…".</param>
internal sealed record ClassifierReading(double[] Probabilities, int Level, EmergencyCategory Category, double Confidence, IReadOnlyList<string> Evidence)
{
    /// <summary>P(level ≥ <paramref name="level"/>).</summary>
    public double AtLeast(int level)
    {
        if (level >= 1 && Probabilities.Length == CrisisClasses.Count + 3)
        {
            // The heads are trained apart; P(level ≥ k) cannot exceed P(level ≥ k − 1), so each is capped by those below it.
            var capped = 1.0;
            for (var k = 1; k <= level; k++)
            {
                capped = Math.Min(capped, Probabilities[CrisisClasses.Count + k - 1]);
            }

            return capped;
        }

        var p = 0.0;
        for (var c = 0; c < CrisisClasses.Count; c++)
        {
            if (CrisisClasses.Levels[c] >= level)
            {
                p += Probabilities[c];
            }
        }

        return p;
    }
}

/// <summary>
/// The trained stage of <see cref="EmergencyDetector"/>: a multinomial logistic regression over character n-grams of
/// Korean and English, trained offline on the tuning corpus (<see cref="CrisisClassifierTrainer"/>) and shipped as the
/// embedded resource <c>crisis-classifier.tsv</c>. Pure and thread-safe once loaded.
/// </summary>
internal sealed class CrisisClassifier
{
    private const string ResourceName = "Conversations.Domain.Emergency.crisis-classifier.tsv";
    private const int FormatVersion = 1;
    private const int EvidenceCount = 3;

    /// <summary>Below this many known features there is too little text to read: the classifier says level 0.</summary>
    public const int MinFeatures = 6;

    private static readonly Lazy<CrisisClassifier> Shipped = new(LoadShipped);

    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[] _features;
    private readonly float[] _weights; // feature-major: _weights[f * _columns + column]
    private readonly float[] _bias;
    private readonly int _columns;

    /// <param name="weights">Per feature: one weight per class, then (with level heads) one per level head (the logit of P(level ≥ 1, 2, 3)).</param>
    public CrisisClassifier(FeatureOptions features, LanguageThresholds thresholds, string trainedOn, IReadOnlyList<string> vocabulary, float[] weights, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        _columns = bias.Length;
        if (_columns is not (8 or 11) || _columns != CrisisClasses.Count + (_columns == 8 ? 0 : 3) || weights.Length != vocabulary.Count * _columns)
        {
            throw new ArgumentException("Weights do not match the vocabulary and classes.", nameof(weights));
        }

        Features = features;
        Thresholds = thresholds;
        TrainedOn = trainedOn;
        _features = [.. vocabulary];
        _weights = weights;
        _bias = bias;
        _vocabulary = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var f = 0; f < _features.Length; f++)
        {
            _vocabulary.Add(_features[f], f);
        }

        _lookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The model committed with the code.</summary>
    public static CrisisClassifier Default => Shipped.Value;

    public FeatureOptions Features { get; }

    public LanguageThresholds Thresholds { get; }

    /// <summary>A description of the training data (corpus size and digest), from the model file.</summary>
    public string TrainedOn { get; }

    public int VocabularySize => _features.Length;

    /// <summary>Whether levels come from three binary heads (P(level ≥ k)) rather than from the class probabilities.</summary>
    public bool HasLevelHeads => _columns > CrisisClasses.Count;

    /// <summary>Reads one utterance with the model's own thresholds for its script, without the lexicon's gates.</summary>
    public ClassifierReading Read(string utterance) => Read(utterance, Thresholds.For(LanguageCode.Detect(utterance)));

    /// <summary>Reads one utterance with <paramref name="thresholds"/>, without the lexicon's gates.</summary>
    public ClassifierReading Read(string utterance, ClassifierThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var probabilities = Probabilities(utterance, out var present);
        var (level, confidence) = thresholds.LevelOf(new ClassifierReading(probabilities, 0, EmergencyCategory.None, 0, []), riskPhrase: true, anchored: true, protective: false);
        var reading = At(probabilities, level, confidence);
        return level == 0 ? reading : reading with { Evidence = Evidence(present, CrisisClasses.Of(reading.Level, reading.Category)) };
    }

    /// <summary>The reading of <paramref name="probabilities"/> at <paramref name="level"/>: the likeliest category of that level (no evidence).</summary>
    public static ClassifierReading At(double[] probabilities, int level, double confidence)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        var best = -1;
        for (var c = 0; c < CrisisClasses.Count; c++)
        {
            if (CrisisClasses.Levels[c] == level && (best < 0 || probabilities[c] > probabilities[best]))
            {
                best = c;
            }
        }

        return new ClassifierReading(probabilities, level, CrisisClasses.Categories[best], confidence, []);
    }

    /// <summary>Class probabilities of <paramref name="utterance"/>; <paramref name="present"/> gets the known features found.</summary>
    public double[] Probabilities(string utterance, out int[] present)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        var (ids, values) = UtteranceFeatures.Vectorize(utterance, Features, _lookup);
        present = ids;
        if (ids.Length < MinFeatures)
        {
            var none = new double[_columns];
            none[0] = 1;
            return none;
        }

        var scores = new double[_columns];
        Array.Copy(_bias.Select(b => (double)b).ToArray(), scores, _columns);
        for (var i = 0; i < ids.Length; i++)
        {
            var row = ids[i] * _columns;
            for (var c = 0; c < _columns; c++)
            {
                scores[c] += values[i] * _weights[row + c];
            }
        }

        var probabilities = new double[_columns];
        Array.Copy(Softmax(scores[..CrisisClasses.Count]), probabilities, CrisisClasses.Count);
        for (var c = CrisisClasses.Count; c < _columns; c++)
        {
            probabilities[c] = 1 / (1 + Math.Exp(-scores[c]));
        }

        return probabilities;
    }

    internal static double[] Softmax(double[] scores)
    {
        var max = scores.Max();
        var sum = 0.0;
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = Math.Exp(scores[c] - max);
            sum += scores[c];
        }

        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] /= sum;
        }

        return scores;
    }

    /// <summary>
    /// The n-grams of <paramref name="present"/> that weigh most for <paramref name="class"/>, as "model:…": English words and word
    /// pairs and Korean runs of two syllables or more, so the evidence reads as content ("pills", "뛰어내"), not as "the" or "어".
    /// </summary>
    public string[] Evidence(int[] present, int @class)
    {
        var classes = _columns;
        return present
            .Where(f => _weights[f * classes + @class] > 0 && IsReadable(_features[f]))
            .OrderByDescending(f => _weights[f * classes + @class])
            .ThenBy(f => f)
            .Take(EvidenceCount)
            .Select(f => "model:" + _features[f][2..].Trim())
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "i", "im", "me", "my", "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "at", "for", "with", "it", "its", "is", "was", "be",
        "been", "am", "are", "so", "just", "that", "this", "do", "dont", "have", "had", "you", "your", "we", "he", "she", "they", "his", "her",
        "them", "all", "up", "out", "about", "like", "um", "uh", "if", "then", "there", "from", "as", "by", "not", "no", "what", "when",
    };

    private static bool IsReadable(string feature)
    {
        var text = feature.AsSpan(2);
        return feature[0] switch
        {
            'w' => text.IndexOf('|') < 0 && !AllStopWords(text),
            'k' => text.IndexOfAny('|', '0') < 0 && text.Length >= 2,
            'x' => true,
            _ => false,
        };
    }

    private static bool AllStopWords(ReadOnlySpan<char> words)
    {
        foreach (var range in words.Split(' '))
        {
            if (!StopWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(words[range]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The model file: a header of '#' lines, then one line per feature with its weight per class.</summary>
    public string ToText()
    {
        var classes = _columns;
        var text = new StringBuilder(_features.Length * 40);
        text.Append(CultureInfo.InvariantCulture, $"#crisis-classifier\t{FormatVersion}\n");
        text.Append("#trained-on\t").Append(TrainedOn).Append('\n');
        text.Append("#features\t").Append(Features.ToString()).Append('\n');
        text.Append("#thresholds\t").Append(Thresholds.ToString()).Append('\n');
        text.Append("#columns\t").Append(string.Join('\t', ColumnNames(_columns))).Append('\n');
        text.Append("#bias");
        foreach (var b in _bias)
        {
            text.Append('\t').Append(Weight(b));
        }

        text.Append('\n');
        for (var f = 0; f < _features.Length; f++)
        {
            text.Append(_features[f]);
            for (var c = 0; c < classes; c++)
            {
                text.Append('\t').Append(Weight(_weights[f * classes + c]));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A weight as written: three decimals, no trailing zeros.</summary>
    internal static string Weight(double w)
    {
        var rounded = Math.Round(w, 3, MidpointRounding.AwayFromZero);
        return rounded == 0 ? "0" : rounded.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses <see cref="ToText"/>.</summary>
    public static CrisisClassifier Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        var vocabulary = new List<string>();
        var weights = new List<float>();
        var classes = -1;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (line[0] == '#')
            {
                header[line[1..tab]] = line[(tab + 1)..];
                continue;
            }

            vocabulary.Add(line[..tab]);
            var fields = line[(tab + 1)..].Split('\t');
            if (classes < 0)
            {
                classes = header["columns"].Split('\t').Length;
            }

            if (fields.Length != classes)
            {
                throw new FormatException($"Feature '{line[..tab]}' has {fields.Length} weights, not {classes}.");
            }

            weights.AddRange(fields.Select(w => float.Parse(w, CultureInfo.InvariantCulture)));
        }

        if (!header.TryGetValue("crisis-classifier", out var version) || !string.Equals(version, FormatVersion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new FormatException("Not a crisis-classifier model file of version " + FormatVersion + ".");
        }

        var columns = header["columns"].Split('\t');
        if (!columns.SequenceEqual(ColumnNames(columns.Length), StringComparer.Ordinal))
        {
            throw new FormatException("The model's columns differ from the code's.");
        }

        var bias = header["bias"].Split('\t').Select(w => float.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        return new CrisisClassifier(FeatureOptions.Parse(header["features"]), LanguageThresholds.Parse(header["thresholds"]), header["trained-on"],
            vocabulary, [.. weights], bias);
    }

    private static string[] ColumnNames(int columns) =>
        columns == CrisisClasses.Count ? CrisisClasses.Names : [.. CrisisClasses.Names, "level>=1", "level>=2", "level>=3"];

    private static CrisisClassifier LoadShipped()
    {
        using var stream = typeof(CrisisClassifier).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The embedded model {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader);
    }
}
