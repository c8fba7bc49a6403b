using System.Globalization;
using System.Text;
using Conversations.Domain.Emergency.Classifier;

namespace Conversations.Emergency.Evaluation;

/// <summary>
/// cross-validation.tsv: the out-of-fold probabilities of the shipped options on the tuning split, written by `train`, so the
/// report and the tests read the cross-validated figures without training five models again. Its header names the corpus
/// and options it was computed from (<see cref="ClassifierTraining.Describe"/>); reading it for any other refuses.
/// </summary>
internal static class CrossValidationFile
{
    public const string Path = "benchmarks/Conversations.Emergency.Evaluation/cross-validation.tsv";

    /// <summary>Probabilities are kept to this many decimals (and the thresholds chosen on the rounded values).</summary>
    public const int Decimals = 4;

    private const string Magic = "#crisis-cross-validation\t1";

    public static void Write(CrossValidated cv)
    {
        var text = new StringBuilder(cv.Items.Count * 80);
        text.Append(Magic).Append('\n');
        text.Append("#trained-on\t").Append(ClassifierTraining.Describe(cv.Items)).Append('\n');
        text.Append("#thresholds\t").Append(cv.Thresholds).Append('\n');
        text.Append("#columns\trow\tP(classes …), P(level>=1), P(level>=2), P(level>=3)\n");
        for (var i = 0; i < cv.Items.Count; i++)
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture));
            foreach (var p in cv.Probabilities[i])
            {
                text.Append('\t').Append(p.ToString("0.####", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        File.WriteAllText(System.IO.Path.Combine(Corpora.RepositoryRoot(), Path), text.ToString());
    }

    /// <summary>The committed cross-validation of <paramref name="tuning"/>; throws when it was computed from another corpus or other options.</summary>
    public static CrossValidated Read(IReadOnlyList<LabelledUtterance> tuning)
    {
        var lines = File.ReadAllLines(System.IO.Path.Combine(Corpora.RepositoryRoot(), Path), Encoding.UTF8);
        var header = lines.Where(l => l.StartsWith('#')).ToDictionary(l => l[1..l.IndexOf('\t', StringComparison.Ordinal)], l => l[(l.IndexOf('\t', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
        var expected = ClassifierTraining.Describe(tuning);
        if (!string.Equals(lines[0], Magic, StringComparison.Ordinal) || !string.Equals(header["trained-on"], expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{Path} was computed from '{header.GetValueOrDefault("trained-on")}', not '{expected}': run `dotnet run -c Release --project benchmarks/Conversations.Emergency.Evaluation -- train`.");
        }

        var probabilities = lines.Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t').Skip(1).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        if (probabilities.Length != tuning.Count)
        {
            throw new InvalidOperationException($"{Path} has {probabilities.Length} rows for {tuning.Count} utterances.");
        }

        return ClassifierTraining.FromProbabilities(tuning, TrainingOptions.Chosen, probabilities);
    }
}
