using System.Text.Json;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>
/// Usage of one response in OpenAI Realtime terms, plus what the cascade actually consumed.
/// </summary>
/// <remarks>
/// Standard fields estimate what OpenAI would bill for the same conversation: text ≈ 4 characters per token; user audio
/// 10 tokens per second and assistant audio 20 tokens per second (OpenAI's published audio token rates), counted as input
/// again on later turns while they stay in the context; cached tokens are the context prefix the previous response
/// already covered. The <c>engine</c> extension object holds the cascade's own consumption for Mode B pricing:
/// text-model tokens (as reported by the provider, else estimated), speech-to-text seconds and text-to-speech characters.
/// </remarks>
internal sealed record ResponseUsage
{
    public const int UserAudioTokensPerSecond = 10;
    public const int AssistantAudioTokensPerSecond = 20;

    public int InputTextTokens { get; init; }

    public int InputAudioTokens { get; init; }

    public int CachedTextTokens { get; init; }

    public int CachedAudioTokens { get; init; }

    public int OutputTextTokens { get; init; }

    public int OutputAudioTokens { get; init; }

    public int LlmInputTokens { get; init; }

    public int LlmOutputTokens { get; init; }

    public double SpeechToTextSeconds { get; init; }

    public int TextToSpeechCharacters { get; init; }

    public int InputTokens => InputTextTokens + InputAudioTokens;

    public int OutputTokens => OutputTextTokens + OutputAudioTokens;

    public static (int Text, int Audio) ItemTokens(ConversationItem item)
    {
        var text = Responders.TokenEstimate.FromText(item.IsUserAudio ? 0 : item.Text.Length);
        var rate = item.Role is "assistant" ? AssistantAudioTokensPerSecond : UserAudioTokensPerSecond;
        var audio = (int)Math.Ceiling(item.AudioSeconds * rate);
        return (text, audio);
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("total_tokens", InputTokens + OutputTokens);
        writer.WriteNumber("input_tokens", InputTokens);
        writer.WriteNumber("output_tokens", OutputTokens);
        writer.WriteStartObject("input_token_details");
        writer.WriteNumber("text_tokens", InputTextTokens);
        writer.WriteNumber("audio_tokens", InputAudioTokens);
        writer.WriteNumber("image_tokens", 0);
        writer.WriteNumber("cached_tokens", CachedTextTokens + CachedAudioTokens);
        writer.WriteStartObject("cached_tokens_details");
        writer.WriteNumber("text_tokens", CachedTextTokens);
        writer.WriteNumber("audio_tokens", CachedAudioTokens);
        writer.WriteNumber("image_tokens", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("output_token_details");
        writer.WriteNumber("text_tokens", OutputTextTokens);
        writer.WriteNumber("audio_tokens", OutputAudioTokens);
        writer.WriteEndObject();
        writer.WriteStartObject("engine");
        writer.WriteNumber("llm_input_tokens", LlmInputTokens);
        writer.WriteNumber("llm_output_tokens", LlmOutputTokens);
        writer.WriteNumber("stt_seconds", Math.Round(SpeechToTextSeconds, 3));
        writer.WriteNumber("tts_characters", TextToSpeechCharacters);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
