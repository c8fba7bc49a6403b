using Conversations.Domain.Emergency.Classifier;
using Conversations.Domain.Emergency.Lexicon;

namespace Conversations.Domain.Emergency;

/// <summary>
/// Detects emergencies in what a user says, in English and Korean, offline: the lexicon (precise phrases, negation,
/// idioms, context cues) first, then a character n-gram classifier trained on the tuning corpus for phrasing the lexicon
/// does not know. The higher level wins; the classifier's level 3 needs a risk phrase the lexicon knows (and its level 2 a
/// phrase or cue of risk) unless it is very confident, and where the lexicon recognised an idiom, fiction, a negation or
/// recovery, a higher classifier level counts only when it is confident (docs/emergency-levels.md, docs/emergency-corpus-report.md).
/// </summary>
public static class EmergencyDetector
{
    /// <summary>Assesses one utterance (a transcribed turn or typed text); <paramref name="languageHint"/> ("en", "ko-KR") names the language reported.</summary>
    public static EmergencyAssessment Assess(string utterance, string? languageHint = null)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        var language = LanguageCode.Primary(languageHint) ?? LanguageCode.Detect(utterance.AsSpan(0, Math.Min(utterance.Length, NormalizedText.MaxInputLength)));
        if (string.IsNullOrWhiteSpace(utterance))
        {
            return EmergencyAssessment.None(language);
        }

        var classifier = CrisisClassifier.Default;
        var probabilities = classifier.Probabilities(utterance, out var present);
        return Combine(LexiconDetector.Read(utterance), probabilities, classifier.Thresholds, language, LanguageCode.Detect(utterance),
            c => classifier.Evidence(present, c));
    }

    /// <summary>
    /// The rule that joins the two stages: the classifier's level by the thresholds of the utterance's script
    /// (<paramref name="script"/>, "en" or "ko"), gated by the lexicon (<see cref="ClassifierThresholds.LevelOf"/>); the higher level wins.
    /// </summary>
    internal static EmergencyAssessment Combine(LexiconReading lexicon, double[] probabilities, LanguageThresholds thresholds, string language, string script,
        Func<int, IReadOnlyList<string>>? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        ArgumentNullException.ThrowIfNull(thresholds);
        var reading = new ClassifierReading(probabilities, 0, EmergencyCategory.None, 0, []);
        var (level, confidence) = thresholds.For(script).LevelOf(reading, lexicon.RiskPhrase, lexicon.Anchored, lexicon.Protective);
        if (level > lexicon.Level)
        {
            var model = CrisisClassifier.At(probabilities, level, confidence);
            var found = evidence?.Invoke(CrisisClasses.Of(level, model.Category)) ?? [];
            return new EmergencyAssessment(level, model.Category, [.. found, .. lexicon.Evidence], language);
        }

        return lexicon.Level == 0
            ? EmergencyAssessment.None(language)
            : new EmergencyAssessment(lexicon.Level, lexicon.Category, lexicon.Evidence, language);
    }
}
