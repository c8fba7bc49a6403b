using System.Globalization;

namespace Conversations.Emergency.Evaluation;

/// <summary>One line of the `select` comparison: out-of-fold figures of a candidate, alone and combined with the lexicon.</summary>
internal static class ModelSelection
{
    public const string Header =
        "| options | classifier alone, all tuning: L3 R / ≥2 R / L1 R / FA≥2 | combined, lexicon-unseen rows: L3 R / ≥2 R / L1 R / FA≥2 hard / FA≥2 plain / exact / cost | combined, all tuning: same | thresholds | time |\n" +
        "| --- | --- | --- | --- | --- | --- |";

    public static string Row(CrossValidated cv, TimeSpan elapsed)
    {
        var all = Enumerable.Range(0, cv.Items.Count).ToArray();
        var unseen = all.Where(i => cv.Items[i].UnseenByLexicon).ToArray();
        var alone = Figures.Of(all.Select(i => new Outcome(cv.Items[i], cv.ClassifierAlone(i))).ToArray());
        return string.Create(CultureInfo.InvariantCulture,
            $"| {cv.Options} | {Four(alone)} | {Combined(cv, unseen)} | {Combined(cv, all)} | {cv.Thresholds} | {elapsed.TotalSeconds:0} s |");
    }

    private static string Combined(CrossValidated cv, int[] rows)
    {
        var outcomes = rows.Select(i => new Outcome(cv.Items[i], cv.Combined(i))).ToArray();
        var f = Figures.Of(outcomes);
        var hard = Figures.Rate(outcomes, o => o.Item.Level == 0 && !o.Item.IsPlainNegative, o => o.Detected.Level >= 2);
        var plain = Figures.Rate(outcomes, o => o.Item.IsPlainNegative, o => o.Detected.Level >= 2);
        var cost = outcomes.Average(o => ClassifierTraining.Cost[o.Item.Level, o.Detected.Level]);
        return string.Create(CultureInfo.InvariantCulture,
            $"{f.Level3Recall:0.00} / {f.Level2PlusRecall:0.00} / {f.Level1Recall:0.00} / {hard:0.0%} / {plain:0.0%} / {f.ExactLevel:0.00} / {cost:0.000}");
    }

    private static string Four(Figures f) => string.Create(CultureInfo.InvariantCulture, $"{f.Level3Recall:0.00} / {f.Level2PlusRecall:0.00} / {f.Level1Recall:0.00} / {f.FalseAlarms:0.0%}");
}
