using System.Globalization;

namespace Conversations.Domain.Emergency.Classifier;

/// <summary>How the classifier is trained.</summary>
/// <param name="Features">The n-grams read.</param>
/// <param name="MinDocumentFrequency">A feature enters the vocabulary when this many training utterances have it.</param>
/// <param name="L2">Weight of the L2 penalty on the weights (not the biases).</param>
/// <param name="Iterations">Full-batch optimisation steps per head.</param>
/// <param name="BalanceClasses">Weigh each class's utterances by the inverse of its size, so rare classes count as much.</param>
/// <param name="LevelHeads">Also train three binary heads, P(level ≥ 1), P(≥ 2), P(≥ 3), on all utterances, for the level; the classes then give only the category.</param>
/// <param name="RegisterVariants">Add each Korean utterance again in the other speech register (polite "-요" endings dropped or added), so style is not read as risk.</param>
/// <param name="SyntheticWeight">Weight of each template sentence relative to a written one (0: none are used).</param>
/// <param name="MaxDocumentFraction">
/// A feature is left out when more than this share of the training utterances in its script have it: endings, particles and
/// function words ("the", "and", "요", "어") say how people talk, not what they say (1: none left out).
/// </param>
internal sealed record TrainingOptions(FeatureOptions Features, int MinDocumentFrequency, double L2, int Iterations, bool BalanceClasses, bool LevelHeads, bool RegisterVariants, double SyntheticWeight, double MaxDocumentFraction = 1)
{
    /// <summary>The options the committed model is trained with; chosen by cross-validation (benchmarks/Conversations.Emergency.Evaluation/selection.md).</summary>
    public static TrainingOptions Chosen { get; } = new(new FeatureOptions(3, 0, 0, 2, 5, EnglishWords: true, LexiconWeight: 0), 2, 1e-4, 300, BalanceClasses: true, LevelHeads: true, RegisterVariants: true, SyntheticWeight: 0);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"features=[{Features}] min-df={MinDocumentFrequency} max-df={MaxDocumentFraction:g3} l2={L2:g3} iterations={Iterations} balance={BalanceClasses} level-heads={LevelHeads} register-variants={RegisterVariants} synthetic-weight={SyntheticWeight:g3}");
}

/// <summary>One labelled utterance to learn from, with its weight (1 for a written one).</summary>
internal readonly record struct TrainingExample(string Text, int Class, double Weight = 1);

/// <summary>
/// Trains <see cref="CrisisClassifier"/>: softmax regressions, L2-penalised, full-batch Adam with a fixed number of steps,
/// in a fixed order on one thread, so the same corpus gives the same weights (to the three decimals written).
/// </summary>
internal static class CrisisClassifierTrainer
{
    private const double LearningRate = 0.05;
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    public static CrisisClassifier Train(IReadOnlyList<TrainingExample> examples, TrainingOptions options, LanguageThresholds thresholds, string trainedOn)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RegisterVariants)
        {
            examples = [.. examples, .. examples.Select(e => e with { Text = KoreanRegister.Toggle(e.Text) }).Where((e, i) => !string.Equals(e.Text, examples[i].Text, StringComparison.Ordinal))];
        }

        var classes = CrisisClasses.Count;
        var vocabulary = Vocabulary(examples, options);
        var index = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (var f = 0; f < vocabulary.Count; f++)
        {
            index.Add(vocabulary[f], f);
        }

        var lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
        var documents = examples.Select(e => UtteranceFeatures.Vectorize(e.Text, options.Features, lookup)).ToArray();
        var v = vocabulary.Count;
        var labels = examples.Select(e => e.Class).ToArray();
        var given = examples.Select(e => e.Weight).ToArray();
        var (w, b) = Head(documents, labels, classes, ExampleWeights(labels, given, classes, options.BalanceClasses), v, options);
        var columns = options.LevelHeads ? classes + 3 : classes;
        var all = new double[v * columns];
        var bias = new double[columns];
        for (var f = 0; f < v; f++)
        {
            Array.Copy(w, f * classes, all, f * columns, classes);
        }

        Array.Copy(b, bias, classes);
        for (var level = 1; options.LevelHeads && level <= 3; level++)
        {
            var binary = labels.Select(c => CrisisClasses.Levels[c] >= level ? 1 : 0).ToArray();
            var (hw, hb) = Head(documents, binary, 2, ExampleWeights(binary, given, 2, options.BalanceClasses), v, options);
            var column = classes + level - 1;
            for (var f = 0; f < v; f++)
            {
                all[f * columns + column] = hw[f * 2 + 1] - hw[f * 2];
            }

            bias[column] = hb[1] - hb[0];
        }

        // The model is what the file holds: round now, so cross-validation measures the weights that ship.
        var kept = new List<int>();
        for (var f = 0; f < v; f++)
        {
            for (var c = 0; c < columns; c++)
            {
                if (!string.Equals(CrisisClassifier.Weight(all[f * columns + c]), "0", StringComparison.Ordinal))
                {
                    kept.Add(f);
                    break;
                }
            }
        }

        var weights = new float[kept.Count * columns];
        for (var k = 0; k < kept.Count; k++)
        {
            for (var c = 0; c < columns; c++)
            {
                weights[k * columns + c] = Rounded(all[kept[k] * columns + c]);
            }
        }

        return new CrisisClassifier(options.Features, thresholds, trainedOn, kept.Select(f => vocabulary[f]).ToArray(), weights, bias.Select(Rounded).ToArray());
    }

    /// <summary>One softmax regression over <paramref name="classes"/> classes.</summary>
    private static (double[] W, double[] B) Head((int[] Ids, double[] Values)[] documents, int[] labels, int classes, double[] weightOf, int v, TrainingOptions options)
    {
        var total = weightOf.Sum();
        var w = new double[v * classes];
        var b = new double[classes];
        var gw = new double[w.Length];
        var gb = new double[classes];
        var mw = new double[w.Length];
        var sw = new double[w.Length];
        var mb = new double[classes];
        var sb = new double[classes];
        var scores = new double[classes];
        for (var step = 1; step <= options.Iterations; step++)
        {
            for (var i = 0; i < w.Length; i++)
            {
                gw[i] = options.L2 * w[i];
            }

            Array.Clear(gb);
            for (var d = 0; d < documents.Length; d++)
            {
                var (ids, values) = documents[d];
                for (var c = 0; c < classes; c++)
                {
                    scores[c] = b[c];
                }

                for (var i = 0; i < ids.Length; i++)
                {
                    for (var c = 0; c < classes; c++)
                    {
                        scores[c] += values[i] * w[ids[i] * classes + c];
                    }
                }

                CrisisClassifier.Softmax(scores);
                var scale = weightOf[d] / total;
                for (var c = 0; c < classes; c++)
                {
                    var g = (scores[c] - (c == labels[d] ? 1 : 0)) * scale;
                    gb[c] += g;
                    for (var i = 0; i < ids.Length; i++)
                    {
                        gw[ids[i] * classes + c] += g * values[i];
                    }
                }
            }

            var correction1 = 1 - Math.Pow(Beta1, step);
            var correction2 = 1 - Math.Pow(Beta2, step);
            Adam(w, gw, mw, sw, correction1, correction2);
            Adam(b, gb, mb, sb, correction1, correction2);
        }

        return (w, b);
    }

    private static float Rounded(double w) => float.Parse(CrisisClassifier.Weight(w), CultureInfo.InvariantCulture);

    private static void Adam(double[] p, double[] g, double[] m, double[] s, double correction1, double correction2)
    {
        for (var i = 0; i < p.Length; i++)
        {
            m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
            s[i] = Beta2 * s[i] + (1 - Beta2) * g[i] * g[i];
            p[i] -= LearningRate * (m[i] / correction1) / (Math.Sqrt(s[i] / correction2) + Epsilon);
        }
    }

    /// <summary>
    /// Features in at least <see cref="TrainingOptions.MinDocumentFrequency"/> utterances and in at most
    /// <see cref="TrainingOptions.MaxDocumentFraction"/> of those of their script, in ordinal order.
    /// </summary>
    private static List<string> Vocabulary(IReadOnlyList<TrainingExample> examples, TrainingOptions options)
    {
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        int korean = 0, english = 0;
        foreach (var example in examples)
        {
            seen.Clear();
            UtteranceFeatures.All(example.Text, options.Features, gram => lookup.Add(gram));
            korean += seen.Any(f => f[0] is 'k' or 'j') ? 1 : 0;
            english += seen.Any(f => f[0] is 'c' or 'w') ? 1 : 0;
            foreach (var feature in seen)
            {
                frequency[feature] = frequency.GetValueOrDefault(feature) + 1;
            }
        }

        var vocabulary = frequency
            .Where(p => p.Value >= options.MinDocumentFrequency)
            .Where(p => p.Key[0] == 'x' || p.Value <= options.MaxDocumentFraction * (p.Key[0] is 'k' or 'j' ? korean : english))
            .Select(p => p.Key)
            .ToList();
        vocabulary.Sort(StringComparer.Ordinal);
        return vocabulary;
    }

    /// <summary>The given weights, and with balancing divided by their class's total, so every class weighs the same.</summary>
    private static double[] ExampleWeights(int[] labels, double[] given, int classes, bool balance)
    {
        var totals = new double[classes];
        for (var i = 0; i < labels.Length; i++)
        {
            totals[labels[i]] += given[i];
        }

        var present = totals.Count(t => t > 0);
        var sum = totals.Sum();
        return labels.Select((label, i) => balance ? given[i] * sum / (present * totals[label]) : given[i]).ToArray();
    }
}
