using System.Diagnostics;
using System.Globalization;
using Conversations.Domain.Emergency.Classifier;

namespace Conversations.Emergency.Evaluation;

/// <summary>The tool's commands.</summary>
internal static class Commands
{
    public const string ModelFile = "src/Conversations.Domain/Emergency/Classifier/crisis-classifier.tsv";
    public const string ReportFile = "docs/emergency-corpus-report.md";

    /// <summary>Trains the shipped classifier from the tuning split and writes it over the embedded resource.</summary>
    public static int Train()
    {
        var clock = Stopwatch.StartNew();
        var model = ClassifierTraining.TrainShipped(Corpora.Tuning());
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
            foreach (var cap in new[] { 0.03, 0.05, 0.10 })
            {
                Console.WriteLine(ModelSelection.Row(cv with { Thresholds = ClassifierTraining.ChooseThresholds(cv, cap) }, TimeSpan.Zero));
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
