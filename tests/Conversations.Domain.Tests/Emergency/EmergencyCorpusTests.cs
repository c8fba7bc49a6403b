using Conversations.Domain.Emergency;

namespace Conversations.Domain.Tests.Emergency;

public sealed class EmergencyCorpusTests
{
    private static readonly IReadOnlyList<CorpusItem> Corpus = EmergencyCorpus.Load();

    // The fresh split is reported, never asserted on, so nobody tunes the lexicon to it.
    private static readonly IReadOnlyList<CorpusItem> Tuning = Corpus.Where(i => i.Split is "dev" or "holdout").ToArray();

    [Fact]
    public void Corpus_has_at_least_200_labelled_utterances_in_both_languages_with_hard_negatives()
    {
        Corpus.Count.ShouldBeGreaterThanOrEqualTo(200);
        Corpus.Count(i => i.Language == "en").ShouldBeGreaterThanOrEqualTo(100);
        Corpus.Count(i => i.Language == "ko").ShouldBeGreaterThanOrEqualTo(100);
        Corpus.Count(i => i.IsHardNegative).ShouldBeGreaterThanOrEqualTo(60);
        Corpus.ShouldAllBe(i => i.Level >= 0 && i.Level <= 3 && (i.Level == 0) == (i.Category == EmergencyCategory.None));
    }

    [Fact]
    public void Level_3_recall_is_at_least_98_percent()
    {
        EmergencyCorpus.Recall(EmergencyCorpus.Run(Tuning), 3).ShouldBeGreaterThanOrEqualTo(0.98);
    }

    [Fact]
    public void False_alarms_on_hard_negatives_are_at_most_5_percent()
    {
        EmergencyCorpus.HardNegativeFalseAlarms(EmergencyCorpus.Run(Tuning)).ShouldBeLessThanOrEqualTo(0.05);
    }

    [Fact]
    public void Committed_report_is_current()
    {
        var report = EmergencyCorpus.Report(Corpus);
        var path = Path.Combine(EmergencyCorpus.RepositoryRoot(), "docs", "emergency-corpus-report.md");
        if (Environment.GetEnvironmentVariable("CONVERSATIONS_WRITE_REPORT") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, report);
        }

        File.Exists(path).ShouldBeTrue("docs/emergency-corpus-report.md is missing; regenerate it with CONVERSATIONS_WRITE_REPORT=1.");
        File.ReadAllText(path).ReplaceLineEndings("\n").ShouldBe(report, "the report is stale; regenerate it with CONVERSATIONS_WRITE_REPORT=1.");
    }
}
