namespace Conversations.Domain.Characters;

/// <summary>Server VAD settings as in OpenAI's <c>server_vad</c>: activation threshold (0–1), audio kept before speech, silence that ends a turn.</summary>
public sealed record VadSettings(double Threshold = 0.5, int PrefixPaddingMs = 300, int SilenceDurationMs = 500)
{
    /// <summary>OpenAI's defaults.</summary>
    public static VadSettings Default { get; } = new();
}
