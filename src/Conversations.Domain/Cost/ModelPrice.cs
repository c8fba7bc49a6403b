namespace Conversations.Domain.Cost;

/// <summary>Dollar prices of one model: tokens per million by kind, speech-to-text per minute, text-to-speech per million characters.</summary>
public sealed record ModelPrice(
    decimal AudioInputPerMillion = 0m,
    decimal CachedAudioInputPerMillion = 0m,
    decimal TextInputPerMillion = 0m,
    decimal CachedTextInputPerMillion = 0m,
    decimal AudioOutputPerMillion = 0m,
    decimal TextOutputPerMillion = 0m,
    decimal SttPerMinute = 0m,
    decimal TtsPerMillionCharacters = 0m)
{
    /// <summary>A model that costs nothing (local providers).</summary>
    public static ModelPrice Free { get; } = new();
}
