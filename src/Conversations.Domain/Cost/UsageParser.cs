using System.Text.Json;

namespace Conversations.Domain.Cost;

/// <summary>
/// Reads the <c>usage</c> of an OpenAI Realtime <c>response.done</c>, plus the realtime engine's cascade extension fields
/// (<see cref="SttSecondsField"/>, <see cref="SttModelField"/>, <see cref="TtsCharactersField"/>, <see cref="TtsModelField"/>,
/// <see cref="TextModelField"/>), into a <see cref="UsageRecord"/>.
/// </summary>
public static class UsageParser
{
    /// <summary>Seconds of user speech transcribed for this response (number).</summary>
    public const string SttSecondsField = "conversations_stt_seconds";

    /// <summary>The speech-to-text model that transcribed it (string), e.g. <c>whisper-1</c> or <c>pocketsphinx</c>.</summary>
    public const string SttModelField = "conversations_stt_model";

    /// <summary>Characters of text synthesised for this response (integer).</summary>
    public const string TtsCharactersField = "conversations_tts_characters";

    /// <summary>The text-to-speech model that spoke it (string), e.g. <c>tts-1</c> or <c>flite</c>.</summary>
    public const string TtsModelField = "conversations_tts_model";

    /// <summary>The text model whose tokens are reported (string), e.g. <c>gpt-4o-mini</c> or <c>scripted</c>; overrides the session model.</summary>
    public const string TextModelField = "conversations_text_model";

    /// <summary>The realtime engine's object in <c>usage</c> with what the cascade consumed (<c>llm_input_tokens</c>, <c>llm_output_tokens</c>, <c>stt_seconds</c>, <c>tts_characters</c>).</summary>
    public const string EngineField = "engine";

    /// <summary>Reads a <c>usage</c> object; <paramref name="model"/> is the session's model, used unless the usage names its text model.</summary>
    public static UsageRecord Parse(JsonElement usage, string model, string? responseId = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return new UsageRecord(responseId, model, TokenUsage.None);
        }

        if (usage.TryGetProperty(EngineField, out var engine) && engine.ValueKind == JsonValueKind.Object)
        {
            // The project's realtime engine (Mode B): its standard fields only estimate what OpenAI would bill; what
            // it really used is text-model tokens, speech-to-text seconds and synthesised characters.
            var stt = engine.TryGetProperty("stt_seconds", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDecimal(out var v) && v > 0 ? v : 0m;
            return new UsageRecord(
                responseId,
                String(usage, TextModelField) ?? model,
                new TokenUsage(TextInput: Long(engine, "llm_input_tokens"), TextOutput: Long(engine, "llm_output_tokens")),
                stt,
                String(usage, SttModelField),
                Long(engine, "tts_characters"),
                String(usage, TtsModelField));
        }

        long textIn = 0, audioIn = 0, cachedText = 0, cachedAudio = 0, textOut = 0, audioOut = 0;
        var inputTotal = Long(usage, "input_tokens");
        var outputTotal = Long(usage, "output_tokens");
        if (usage.TryGetProperty("input_token_details", out var input) && input.ValueKind == JsonValueKind.Object)
        {
            textIn = Long(input, "text_tokens");
            audioIn = Long(input, "audio_tokens");
            var cached = Long(input, "cached_tokens");
            if (input.TryGetProperty("cached_tokens_details", out var cachedDetails) && cachedDetails.ValueKind == JsonValueKind.Object)
            {
                cachedText = Long(cachedDetails, "text_tokens");
                cachedAudio = Long(cachedDetails, "audio_tokens");
            }
            else
            {
                // No split given: count cached tokens against text first, the cheaper assumption made explicit.
                cachedText = Math.Min(cached, textIn);
                cachedAudio = Math.Min(cached - cachedText, audioIn);
            }
        }
        else
        {
            textIn = inputTotal;
        }

        if (usage.TryGetProperty("output_token_details", out var output) && output.ValueKind == JsonValueKind.Object)
        {
            textOut = Long(output, "text_tokens");
            audioOut = Long(output, "audio_tokens");
        }
        else
        {
            textOut = outputTotal;
        }

        var textModel = String(usage, TextModelField);
        var sttSeconds = usage.TryGetProperty(SttSecondsField, out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDecimal(out var seconds) && seconds > 0
            ? seconds
            : 0m;
        return new UsageRecord(
            responseId,
            textModel ?? model,
            new TokenUsage(textIn, Math.Min(cachedText, textIn), audioIn, Math.Min(cachedAudio, audioIn), textOut, audioOut),
            sttSeconds,
            String(usage, SttModelField),
            Long(usage, TtsCharactersField),
            String(usage, TtsModelField));
    }

    /// <summary>Reads a whole <c>response.done</c> event; false when it is not one or carries no usage.</summary>
    public static bool TryParseResponseDone(ReadOnlySpan<byte> utf8Event, string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UsageRecord? record)
    {
        record = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Event, new JsonReaderOptions { MaxDepth = 32 });
            using var document = JsonDocument.ParseValue(ref reader);
            return TryParseResponseDone(document.RootElement, model, out record);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a parsed <c>response.done</c> event; false when it is not one or carries no usage.</summary>
    public static bool TryParseResponseDone(JsonElement responseDone, string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UsageRecord? record)
    {
        record = null;
        if (responseDone.ValueKind != JsonValueKind.Object ||
            !responseDone.TryGetProperty("type", out var type) || !type.ValueEquals("response.done"u8) ||
            !responseDone.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object ||
            !response.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        record = Parse(usage, model, String(response, "id"));
        return true;
    }

    private static long Long(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n > 0 ? n : 0;

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
