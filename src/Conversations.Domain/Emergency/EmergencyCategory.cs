namespace Conversations.Domain.Emergency;

/// <summary>What kind of emergency an utterance suggests.</summary>
public enum EmergencyCategory
{
    /// <summary>Nothing found.</summary>
    None,

    /// <summary>Emotional distress: hopelessness, worthlessness, not coping (level 1).</summary>
    Distress,

    /// <summary>Thoughts of death or self-harm, or self-harm behaviour, without a plan (level 2).</summary>
    SelfHarm,

    /// <summary>Suicide intent with a plan, means, time or an act under way (level 3).</summary>
    SuicideIntent,

    /// <summary>Thoughts (level 2) or intent (level 3) of harming someone else.</summary>
    HarmToOthers,

    /// <summary>Urgent symptoms (level 2) or signs of a medical emergency such as a heart attack or stroke (level 3).</summary>
    MedicalEmergency,
}

/// <summary>Wire names of <see cref="EmergencyCategory"/> for <c>conversations.emergency</c>.</summary>
public static class EmergencyCategoryNames
{
    /// <summary>snake_case name: distress, self_harm, suicide_intent, harm_to_others, medical_emergency (none for None).</summary>
    public static string WireName(this EmergencyCategory category) => category switch
    {
        EmergencyCategory.None => "none",
        EmergencyCategory.Distress => "distress",
        EmergencyCategory.SelfHarm => "self_harm",
        EmergencyCategory.SuicideIntent => "suicide_intent",
        EmergencyCategory.HarmToOthers => "harm_to_others",
        EmergencyCategory.MedicalEmergency => "medical_emergency",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    /// <summary>Parses a wire name back; unknown names are None.</summary>
    public static EmergencyCategory ParseWireName(string? name) => name switch
    {
        "distress" => EmergencyCategory.Distress,
        "self_harm" => EmergencyCategory.SelfHarm,
        "suicide_intent" => EmergencyCategory.SuicideIntent,
        "harm_to_others" => EmergencyCategory.HarmToOthers,
        "medical_emergency" => EmergencyCategory.MedicalEmergency,
        _ => EmergencyCategory.None,
    };
}
