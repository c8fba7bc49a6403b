namespace Conversations.Domain.Emergency;

/// <summary>The detector's verdict on one utterance: level 0–3, category, the phrases that decided it, and the language read.</summary>
public sealed record EmergencyAssessment(int Level, EmergencyCategory Category, IReadOnlyList<string> Evidence, string Language)
{
    /// <summary>Nothing found, in <paramref name="language"/>.</summary>
    public static EmergencyAssessment None(string language) => new(0, EmergencyCategory.None, [], language);

    /// <summary>Whether anything was found.</summary>
    public bool IsConcern => Level > 0;
}
