using Conversations.Domain.Emergency;
using Conversations.Domain.Emergency.Classifier;
using Conversations.Emergency.Evaluation;

namespace Conversations.Domain.Tests.Emergency;

public sealed class EmergencyCorpusTests
{
    /// <summary>The topics issue #15 asks each language to cover.</summary>
    private static readonly string[] Topics =
    [
        "means", "place", "time-plan", "acted", "farewell", "hopeless-burden", "selfharm", "third-person", "fiction-news-school", "idiom",
        "negation", "past-recovered", "medical", "harm-others",
    ];

    private static readonly IReadOnlyList<LabelledUtterance> Tuning = Corpora.Tuning();

    [Fact]
    public void The_corpus_has_800_utterances_half_of_them_Korean_and_covers_every_topic_in_both_languages()
    {
        var all = Tuning.Concat(Corpora.HeldOutSplits().SelectMany(s => s.Items)).ToArray();

        all.Length.ShouldBeGreaterThanOrEqualTo(800);
        all.Count(i => i.Language == "ko").ShouldBeGreaterThanOrEqualTo(all.Length / 2);
        foreach (var language in new[] { "en", "ko" })
        {
            foreach (var topic in Topics)
            {
                Tuning.Count(i => i.Language == language && i.Topic == topic).ShouldBeGreaterThanOrEqualTo(10, $"{language} {topic}");
            }
        }
    }

    [Fact]
    public void The_held_out_split_is_frozen()
    {
        // Copied unchanged from its independent writer; never edit it (a wrong label is recorded in the report, not fixed here).
        Corpora.Sha256(Path.Combine(Corpora.RepositoryRoot(), Corpora.HeldOutFile)).ShouldBe("933983c34b496869d34c71438273cd92c6dc879f6c71be78f48d89f4b36e9775");
        Corpora.HeldOut()!.Count.ShouldBe(323);
    }

    [Fact]
    public void The_second_held_out_split_is_frozen()
    {
        // Written for round 2 by an engineer who never saw the detector; copied unchanged after the round-2 detector was committed.
        Corpora.Sha256(Path.Combine(Corpora.RepositoryRoot(), Corpora.HeldOut2File)).ShouldBe("f32e5281f06982d0fdb590cf45e559fd75c99084b8242da417a89f7f48cfbba3");
        Corpora.HeldOut2()!.Count.ShouldBe(440);
    }

    [Fact]
    public void Every_label_is_a_level_with_its_category()
    {
        foreach (var item in Tuning.Concat(Corpora.HeldOutSplits().SelectMany(s => s.Items)))
        {
            Should.NotThrow(() => CrisisClasses.Of(item.Level, item.Category), item.Text);
            (item.Level == 0).ShouldBe(item.Category == EmergencyCategory.None, item.Text);
            item.Language.ShouldBeOneOf("en", "ko");
        }
    }

    [Fact]
    public void Retraining_from_the_tuning_split_reproduces_the_committed_classifier()
    {
        var committed = File.ReadAllText(Path.Combine(Corpora.RepositoryRoot(), Commands.ModelFile));
        var model = CrisisClassifier.Parse(new StringReader(committed));
        // The committed cross-validation (train writes it) is of this corpus and these options, and its thresholds are the model's.
        var cv = CorpusReport.TuningCrossValidation;
        cv.Thresholds.ShouldBe(model.Thresholds);

        // Only the final model is trained again here (the five fold models are `train`'s job): same corpus, same thresholds, same weights.
        var retrained = ClassifierTraining.TrainFinal(Tuning, cv.Thresholds).ToText();

        // Same machine, same text; elsewhere a last-digit difference of a weight (exp in another C library) is tolerated.
        if (retrained != committed)
        {
            CrisisClassifier.Parse(new StringReader(retrained)).VocabularySize.ShouldBe(model.VocabularySize);
            MaxWeightDifference(committed, retrained).ShouldBeLessThanOrEqualTo(0.002);
        }
    }

    [Fact]
    public void Committed_report_is_current()
    {
        var path = Path.Combine(Corpora.RepositoryRoot(), Commands.ReportFile);
        var committed = File.ReadAllText(path);
        var cut = committed.IndexOf(CorpusReport.MeasuredMarker, StringComparison.Ordinal);

        (cut < 0 ? committed : committed[..cut].TrimEnd('\n') + "\n")
            .ShouldBe(CorpusReport.Generate(withMeasurements: false), $"regenerate with `{CorpusReport.Command}`");
    }

    [Fact]
    public void Cross_validated_tuning_figures_do_not_fall_below_those_measured()
    {
        var outcomes = CorpusReport.TuningOutcomes().ToArray();
        var tuning = Figures.Of(outcomes);

        // A regression guard at what docs/emergency-corpus-report.md measured (the recall goals are not met; see the report).
        tuning.Level3Recall.ShouldBeGreaterThanOrEqualTo(MeasuredFloors.TuningLevel3Recall);
        tuning.Level2PlusRecall.ShouldBeGreaterThanOrEqualTo(MeasuredFloors.TuningLevel2PlusRecall);
        tuning.Level1Recall.ShouldBeGreaterThanOrEqualTo(MeasuredFloors.TuningLevel1Recall);
        tuning.FalseAlarms.ShouldBeLessThanOrEqualTo(MeasuredFloors.TuningFalseAlarms);
    }

    [Fact]
    public void No_plain_everyday_line_of_the_tuning_split_is_read_as_level_3_and_few_as_level_2()
    {
        var plain = CorpusReport.TuningOutcomes().Where(o => o.Item.IsPlainNegative).ToArray();

        plain.Length.ShouldBeGreaterThan(500);
        plain.Where(o => o.Detected.Level == 3).Select(o => o.Item.Text).ShouldBeEmpty();
        Figures.Rate(plain, _ => true, o => o.Detected.Level >= 2).ShouldBeLessThanOrEqualTo(0.01);
    }

    [Fact]
    public void No_plain_everyday_line_of_either_held_out_split_is_an_alarm()
    {
        var plain = CorpusReport.HeldOutOutcomes().Where(h => !h.Name.Contains('+', StringComparison.Ordinal)).SelectMany(h => h.Outcomes).Where(o => o.Item.IsPlainNegative).ToArray();

        plain.Length.ShouldBe(113);
        plain.Where(o => o.Detected.Level >= 2).Select(o => o.Item.Text).ShouldBeEmpty();
    }

    [Fact]
    public void Held_out_figures_do_not_fall_below_those_measured_once()
    {
        var heldOut = CorpusReport.HeldOutOutcomes().ToDictionary(h => h.Name, h => Figures.Of(h.Outcomes.ToArray()), StringComparer.Ordinal);

        // Measured once on each frozen split with the round-2 detector: floors against regressions, not the goals (see the report).
        foreach (var (split, floor) in MeasuredFloors.HeldOut)
        {
            var f = heldOut[split];
            f.Level3Recall.ShouldBeGreaterThanOrEqualTo(floor.Level3Recall, split);
            f.Level2PlusRecall.ShouldBeGreaterThanOrEqualTo(floor.Level2PlusRecall, split);
            f.Level1Recall.ShouldBeGreaterThanOrEqualTo(floor.Level1Recall, split);
            f.FalseAlarms.ShouldBeLessThanOrEqualTo(floor.FalseAlarms, split);
        }
    }

    [Fact]
    public void The_classifier_finds_crises_on_new_phrasing_that_the_lexicon_alone_misses()
    {
        var cv = CorpusReport.TuningCrossValidation;
        var rows = Enumerable.Range(0, cv.Items.Count).Where(i => cv.Items[i].UnseenByLexicon).ToArray();

        var lexicon = Figures.Of(rows.Select(i => new Outcome(cv.Items[i], cv.LexiconAlone(i))).ToArray());
        var combined = Figures.Of(rows.Select(i => new Outcome(cv.Items[i], cv.Combined(i))).ToArray());

        combined.Level3Recall.ShouldBeGreaterThan(lexicon.Level3Recall + 0.1);
        combined.Level2PlusRecall.ShouldBeGreaterThan(lexicon.Level2PlusRecall + 0.1);
    }

    private static double MaxWeightDifference(string a, string b)
    {
        static Dictionary<string, double[]> Rows(string text) => text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => f[1..].Select(w => double.Parse(w, System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        var (x, y) = (Rows(a), Rows(b));
        return x.Keys.Union(y.Keys).Max(k => x.TryGetValue(k, out var u) && y.TryGetValue(k, out var v) ? u.Zip(v).Max(p => Math.Abs(p.First - p.Second)) : double.PositiveInfinity);
    }
}

/// <summary>The figures measured when the detector was final (docs/emergency-corpus-report.md), as floors against regressions.</summary>
internal static class MeasuredFloors
{
    // Measured 0.67, 0.70, 0.84 and 1.0 % (round 2); a point of slack for a last-digit weight difference on another machine.
    public const double TuningLevel3Recall = 0.66;
    public const double TuningLevel2PlusRecall = 0.69;
    public const double TuningLevel1Recall = 0.83;
    public const double TuningFalseAlarms = 0.02;

    /// <summary>Per held-out split, measured once with the round-2 detector.</summary>
    public static readonly (string Split, Figures Floor)[] HeldOut =
    [
        // Measured 0.53, 0.66, 0.74 and 6.4 % (round 2).
        ("held-out 1", new Figures(323, Level3Recall: 0.52, Level2PlusRecall: 0.65, Level1Recall: 0.73, FalseAlarms: 0.065, ExactLevel: 0)),
        // Measured 0.41, 0.52, 0.71 and 6.3 %, once, after the detector was committed.
        ("held-out 2", new Figures(440, Level3Recall: 0.40, Level2PlusRecall: 0.51, Level1Recall: 0.70, FalseAlarms: 0.064, ExactLevel: 0)),
    ];
}
