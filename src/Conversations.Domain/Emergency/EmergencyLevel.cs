using System.Runtime.InteropServices;

namespace Conversations.Domain.Emergency;

/// <summary>A conversation's emergency level: it only ever rises (<see cref="Raise"/>), never falls.</summary>
[StructLayout(LayoutKind.Auto)]
public readonly record struct EmergencyLevel
{
    private EmergencyLevel(int value, EmergencyCategory category)
    {
        Value = value;
        Category = category;
    }

    /// <summary>No emergency.</summary>
    public static EmergencyLevel None => default;

    /// <summary>0 (none) to 3 (emergency).</summary>
    public int Value { get; }

    /// <summary>The category that first reached <see cref="Value"/>.</summary>
    public EmergencyCategory Category { get; }

    /// <summary>Restores a stored level, clamped to 0–3.</summary>
    public static EmergencyLevel FromStored(int value, EmergencyCategory category) =>
        value <= 0 ? None : new EmergencyLevel(Math.Min(value, 3), category);

    /// <summary>The level after <paramref name="assessment"/>: the higher of the two; a lower or equal assessment changes nothing.</summary>
    public EmergencyLevel Raise(EmergencyAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return assessment.Level > Value ? new EmergencyLevel(Math.Min(assessment.Level, 3), assessment.Category) : this;
    }

    /// <summary>Whether <paramref name="assessment"/> would raise this level (so actions for the new level are due).</summary>
    public bool IsRaisedBy(EmergencyAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return assessment.Level > Value;
    }
}
