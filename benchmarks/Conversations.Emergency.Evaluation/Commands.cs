using System.Diagnostics;
using System.Globalization;
using Conversations.Domain.Emergency.Classifier;

namespace Conversations.Emergency.Evaluation;

/// <summary>The tool's commands.</summary>
internal static class Commands
{
    public const string ModelFile = "src/Conversations.Domain/Emergency/Classifier/crisis-classifier.tsv";
    public const string ReportFile = "docs/emergency-corpus-report.md";

    /// <summary>
    /// Cross-validates the chosen options on the tuning split (written to cross-validation.tsv), chooses the thresholds on
    /// the out-of-fold results, trains the shipped classifier on the whole split and writes it over the embedded resource.
    /// </summary>
    public static int Train()
    {
        var clock = Stopwatch.StartNew();
        var (model, cv) = ClassifierTraining.TrainShipped(Corpora.Tuning());
        CrossValidationFile.Write(cv);
        var path = Path.Combine(Corpora.RepositoryRoot(), ModelFile);
        File.WriteAllText(path, model.ToText());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ModelFile}: {model.VocabularySize} features, thresholds {model.Thresholds}, trained in {clock.Elapsed.TotalSeconds:0.0} s. Rebuild to embed it."));
        return 0;
    }

    /// <summary>Cross-validates every candidate set of options and prints the comparison.</summary>
    public static int Select(int count)
    {
        var tuning = Corpora.Tuning();
        Console.WriteLine(ModelSelection.Header);
        foreach (var options in ClassifierTraining.Candidates().Take(count))
        {
            var clock = Stopwatch.StartNew();
            var cv = ClassifierTraining.CrossValidate(tuning, options);
            Console.WriteLine(ModelSelection.Row(cv, clock.Elapsed));
            foreach (var cap in new[] { 0.01, 0.03, 0.05 })
            {
                Console.WriteLine(ModelSelection.Row(cv with { Thresholds = ClassifierTraining.ChooseThresholds(cv, cap) }, TimeSpan.Zero));
            }
        }

        return 0;
    }

    /// <summary>The cross-validated tuning figures only (no held-out split), from cross-validation.tsv: what development looks at.</summary>
    public static int CrossValidation()
    {
        var cv = CorpusReport.TuningCrossValidation;
        Console.WriteLine($"thresholds {cv.Thresholds}");
        Console.WriteLine("| rows | language | n | L3 recall | ≥2 recall | L1 recall | FA≥2 all | FA≥2 hard | FA≥2 plain | L3 on plain | exact | cost |");
        foreach (var (name, filter) in new (string, Func<LabelledUtterance, bool>)[] { ("unseen", i => i.UnseenByLexicon), ("all", _ => true) })
        {
            foreach (var language in new[] { "en", "ko", "both" })
            {
                var rows = Enumerable.Range(0, cv.Items.Count).Where(i => filter(cv.Items[i]) && (language == "both" || cv.Items[i].Language == language)).ToArray();
                var outcomes = rows.Select(i => new Outcome(cv.Items[i], cv.Combined(i))).ToArray();
                var f = Figures.Of(outcomes);
                var hard = Figures.Rate(outcomes, o => o.Item.Level == 0 && !o.Item.IsPlainNegative, o => o.Detected.Level >= 2);
                var plain = Figures.Rate(outcomes, o => o.Item.IsPlainNegative, o => o.Detected.Level >= 2);
                var plain3 = outcomes.Count(o => o.Item.IsPlainNegative && o.Detected.Level == 3);
                var cost = outcomes.Average(o => ClassifierTraining.Cost[o.Item.Level, o.Detected.Level]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {language} | {f.Count} | {f.Level3Recall:0.00} | {f.Level2PlusRecall:0.00} | {f.Level1Recall:0.00} | {f.FalseAlarms:0.0%} | {hard:0.0%} | {plain:0.0%} | {plain3} | {f.ExactLevel:0.00} | {cost:0.000} |"));
            }
        }

        return 0;
    }

    /// <summary>Prints the report; with --write, also writes it to docs/.</summary>
    public static int Report(bool write)
    {
        var report = CorpusReport.Generate(withMeasurements: true);
        Console.Write(report);
        if (write)
        {
            File.WriteAllText(Path.Combine(Corpora.RepositoryRoot(), ReportFile), report);
        }

        return 0;
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: dotnet run -c Release --project benchmarks/Conversations.Emergency.Evaluation -- [report [--write] | train | select [count] | probe TEXT…]");
        return 2;
    }
}
