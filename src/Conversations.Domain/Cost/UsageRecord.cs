namespace Conversations.Domain.Cost;

/// <summary>
/// Usage of one response: tokens of <paramref name="Model"/>, plus for the cascade the seconds of speech transcribed and
/// characters synthesised, each priced by its own model when named (else by <paramref name="Model"/>).
/// </summary>
public sealed record UsageRecord(
    string? ResponseId,
    string Model,
    TokenUsage Tokens,
    decimal SttSeconds = 0m,
    string? SttModel = null,
    long TtsCharacters = 0,
    string? TtsModel = null);

/// <summary>The dollars of one usage record by part; <see cref="Total"/> is what is charged.</summary>
public sealed record UsageCost(decimal Tokens, decimal SpeechToText, decimal TextToSpeech)
{
    /// <summary>The sum of the parts.</summary>
    public decimal Total => Tokens + SpeechToText + TextToSpeech;
}
