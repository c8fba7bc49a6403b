namespace Conversations.Domain.Cost;

/// <summary>Tokens of one response as OpenAI reports them: input totals include their cached part.</summary>
public sealed record TokenUsage(
    long TextInput = 0,
    long CachedTextInput = 0,
    long AudioInput = 0,
    long CachedAudioInput = 0,
    long TextOutput = 0,
    long AudioOutput = 0)
{
    /// <summary>No tokens.</summary>
    public static TokenUsage None { get; } = new();

    /// <summary>Every token counted.</summary>
    public long Total => TextInput + AudioInput + TextOutput + AudioOutput;
}
