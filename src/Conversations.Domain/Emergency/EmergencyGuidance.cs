namespace Conversations.Domain.Emergency;

/// <summary>Extra instructions for the model once a conversation's emergency level is 1 or 2 (level 3 replaces the answer instead).</summary>
public static class EmergencyGuidance
{
    /// <summary>Added at level 1: respond with extra care.</summary>
    public const string ExtraCare =
        "The user may be going through emotional distress. Respond with extra warmth and patience: acknowledge their " +
        "feelings before anything else, ask gently how they are coping, avoid advice lists, and mention that talking to " +
        "someone they trust or a counsellor can help.";

    /// <summary>Added at level 2: safety first.</summary>
    public const string SafetyFirst =
        "The user has mentioned thoughts of self-harm, of harming someone, or urgent symptoms. Put safety first: ask " +
        "directly and kindly whether they are safe right now, encourage them to contact the crisis line or emergency " +
        "number the app has shown them (109 or 119 in Korea, 988 or 911 in the US), stay with the topic, and never " +
        "minimise what they said or give any information that could be used for harm.";

    /// <summary>The instructions to add for <paramref name="level"/>, or null below 1.</summary>
    public static string? For(EmergencyLevel level) => level.Value switch
    {
        <= 0 => null,
        1 => ExtraCare,
        _ => SafetyFirst,
    };
}
