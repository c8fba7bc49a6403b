using Conversations.Domain.Emergency.Classifier;
using Conversations.Domain.Emergency.Lexicon;

namespace Conversations.Domain.Emergency;

/// <summary>
/// Detects emergencies in what a user says, in English and Korean, offline: the lexicon (precise phrases, negation,
/// idioms, context cues) first, then a character n-gram classifier trained on the tuning corpus for phrasing the lexicon
/// does not know. The higher level wins, except that where the lexicon recognised an idiom, fiction, a negation or
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
        return Combine(LexiconDetector.Read(utterance), classifier.Read(utterance), classifier.Thresholds, language);
    }

    /// <summary>The rule that joins the two stages.</summary>
    internal static EmergencyAssessment Combine(LexiconReading lexicon, ClassifierReading classifier, ClassifierThresholds thresholds, string language)
    {
        var level = classifier.Level;
        if (thresholds.Anchor && !lexicon.Anchored)
        {
            level = Math.Min(level, 1); // no word of risk the lexicon knows: the classifier may only ask for extra care
        }

        if (level > lexicon.Level && (!lexicon.Protective || classifier.Confidence >= thresholds.Veto))
        {
            var category = level == classifier.Level ? classifier.Category : EmergencyCategory.Distress;
            return new EmergencyAssessment(level, category, [.. classifier.Evidence, .. lexicon.Evidence], language);
        }

        return lexicon.Level == 0
            ? EmergencyAssessment.None(language)
            : new EmergencyAssessment(lexicon.Level, lexicon.Category, lexicon.Evidence, language);
    }
}
