using System.Globalization;

namespace Conversations.Emergency.Evaluation;

/// <summary>One line of the `select` comparison: out-of-fold figures of a candidate, alone and combined with the lexicon.</summary>
internal static class ModelSelection
{
    public const string Header =
        "| features | L2 | balanced | level heads | register variants | classifier alone: L3 R / ≥2 R / L1 R / FA≥2 | combined, lexicon-unseen rows: L3 R / ≥2 R / L1 R / FA≥2 / exact | combined, all tuning: L3 R / ≥2 R / L1 R / FA≥2 / exact | thresholds | time |\n" +
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    public static string Row(CrossValidated cv, TimeSpan elapsed)
    {
        var all = Enumerable.Range(0, cv.Items.Count).ToArray();
        var unseen = all.Where(i => cv.Items[i].UnseenByLexicon).ToArray();
        var alone = Figures.Of(all.Select(i => new Outcome(cv.Items[i], cv.ClassifierAlone(i))).ToArray());
        var combinedUnseen = Figures.Of(unseen.Select(i => new Outcome(cv.Items[i], cv.Combined(i))).ToArray());
        var combinedAll = Figures.Of(all.Select(i => new Outcome(cv.Items[i], cv.Combined(i))).ToArray());
        return string.Create(CultureInfo.InvariantCulture,
            $"| {cv.Options.Features} | {cv.Options.L2:g3} | {cv.Options.BalanceClasses} | {cv.Options.LevelHeads} | {cv.Options.RegisterVariants} | {Four(alone)} | {Five(combinedUnseen)} | {Five(combinedAll)} | {cv.Thresholds} | {elapsed.TotalSeconds:0} s |");
    }

    private static string Four(Figures f) => string.Create(CultureInfo.InvariantCulture, $"{f.Level3Recall:0.00} / {f.Level2PlusRecall:0.00} / {f.Level1Recall:0.00} / {f.FalseAlarms:0.0%}");

    private static string Five(Figures f) => Four(f) + string.Create(CultureInfo.InvariantCulture, $" / {f.ExactLevel:0.00}");
}
