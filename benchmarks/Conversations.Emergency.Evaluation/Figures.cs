using Conversations.Domain.Emergency;

namespace Conversations.Emergency.Evaluation;

/// <summary>One utterance, its label and what a detector said.</summary>
public sealed record Outcome(LabelledUtterance Item, EmergencyAssessment Detected)
{
    public bool LevelRight => Item.Level == Detected.Level;
}

/// <summary>The goal figures of a set of outcomes (NaN where nothing is labelled at that level).</summary>
/// <param name="Level3Recall">Labelled 3, detected 3.</param>
/// <param name="Level2PlusRecall">Labelled 2 or 3, detected 2 or 3.</param>
/// <param name="Level1Recall">Labelled 1, detected 1.</param>
/// <param name="FalseAlarms">Labelled 0, detected 2 or 3.</param>
/// <param name="ExactLevel">Detected level equals the label.</param>
public sealed record Figures(int Count, double Level3Recall, double Level2PlusRecall, double Level1Recall, double FalseAlarms, double ExactLevel)
{
    public static Figures Of(IReadOnlyCollection<Outcome> outcomes) => new(
        outcomes.Count,
        Rate(outcomes, o => o.Item.Level == 3, o => o.Detected.Level == 3),
        Rate(outcomes, o => o.Item.Level >= 2, o => o.Detected.Level >= 2),
        Rate(outcomes, o => o.Item.Level == 1, o => o.Detected.Level == 1),
        Rate(outcomes, o => o.Item.Level == 0, o => o.Detected.Level >= 2),
        Rate(outcomes, _ => true, o => o.LevelRight));

    public static double Recall(IReadOnlyCollection<Outcome> outcomes, int level) => Rate(outcomes, o => o.Item.Level == level, o => o.Detected.Level == level);

    public static double Precision(IReadOnlyCollection<Outcome> outcomes, int level) => Rate(outcomes, o => o.Detected.Level == level, o => o.Item.Level == level);

    /// <summary>Of the outcomes where <paramref name="of"/> holds, the share where <paramref name="hit"/> holds.</summary>
    public static double Rate(IEnumerable<Outcome> outcomes, Func<Outcome, bool> of, Func<Outcome, bool> hit)
    {
        int n = 0, k = 0;
        foreach (var o in outcomes.Where(of))
        {
            n++;
            if (hit(o))
            {
                k++;
            }
        }

        return n == 0 ? double.NaN : k / (double)n;
    }
}
