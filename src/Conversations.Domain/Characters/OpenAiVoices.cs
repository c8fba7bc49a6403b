namespace Conversations.Domain.Characters;

/// <summary>The voice names of the OpenAI Realtime API, which the realtime engine maps to its own voices.</summary>
public static class OpenAiVoices
{
    /// <summary>Every known voice name.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(
        ["alloy", "ash", "ballad", "cedar", "coral", "echo", "marin", "sage", "shimmer", "verse"],
        StringComparer.Ordinal);
}
