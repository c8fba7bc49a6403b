namespace Conversations.Domain.Emergency;

/// <summary>Configuration section <c>Emergency:Moderation</c>: score thresholds (0–1) for the optional moderation-model stage.</summary>
public sealed class ModerationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Emergency:Moderation";

    /// <summary>"self-harm" at or above this is level 2.</summary>
    public double SelfHarm { get; set; } = 0.5;

    /// <summary>"self-harm/intent" at or above this is level 2 (a model cannot tell a plan, so level 3 stays with the lexicon's context rules).</summary>
    public double SelfHarmIntent { get; set; } = 0.4;

    /// <summary>"self-harm/instructions" at or above this is level 3: asking how is preparing.</summary>
    public double SelfHarmInstructions { get; set; } = 0.5;

    /// <summary>"violence", "harassment/threatening" or "hate/threatening" at or above this is level 2 harm to others.</summary>
    public double Violence { get; set; } = 0.8;
}

/// <summary>
/// The second stage of emergency detection: maps a moderation model's category scores (OpenAI moderation names such as
/// "self-harm/intent") to an assessment, and combines it with the lexicon's, keeping the higher.
/// </summary>
public static class ModerationPolicy
{
    /// <summary>The assessment implied by <paramref name="categoryScores"/> (moderation category name → score 0–1).</summary>
    public static EmergencyAssessment Assess(IReadOnlyDictionary<string, double> categoryScores, string language, ModerationOptions? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(categoryScores);
        var t = thresholds ?? new ModerationOptions();
        double Score(string name) => categoryScores.TryGetValue(name, out var s) && double.IsFinite(s) ? s : 0;

        if (Score("self-harm/instructions") >= t.SelfHarmInstructions)
        {
            return new EmergencyAssessment(3, EmergencyCategory.SuicideIntent, ["moderation:self-harm/instructions"], language);
        }

        if (Score("self-harm/intent") >= t.SelfHarmIntent)
        {
            return new EmergencyAssessment(2, EmergencyCategory.SelfHarm, ["moderation:self-harm/intent"], language);
        }

        if (Score("self-harm") >= t.SelfHarm)
        {
            return new EmergencyAssessment(2, EmergencyCategory.SelfHarm, ["moderation:self-harm"], language);
        }

        foreach (var name in (string[])["violence", "harassment/threatening", "hate/threatening"])
        {
            if (Score(name) >= t.Violence)
            {
                return new EmergencyAssessment(2, EmergencyCategory.HarmToOthers, ["moderation:" + name], language);
            }
        }

        return EmergencyAssessment.None(language);
    }

    /// <summary>The higher of two assessments of one utterance (the lexicon's wins ties), with both evidence lists.</summary>
    public static EmergencyAssessment Combine(EmergencyAssessment lexicon, EmergencyAssessment moderation)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        ArgumentNullException.ThrowIfNull(moderation);
        var (winner, other) = moderation.Level > lexicon.Level ? (moderation, lexicon) : (lexicon, moderation);
        return winner.Level == 0 || other.Evidence.Count == 0 ? winner : winner with { Evidence = [.. winner.Evidence, .. other.Evidence] };
    }
}
