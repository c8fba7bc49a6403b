using System.Text.Json;
using Conversations.Domain.Characters;
using Conversations.Domain.Transcript;
using Conversations.Abstractions.Protocol;

namespace Conversations.Grains.Upstream;

/// <summary>The client events the grain itself sends upstream: the character's session, and transcript seeds.</summary>
public static class UpstreamEvents
{
    /// <summary>
    /// <c>session.update</c> with everything the server decides: instructions, voice, tools, VAD, transcription and
    /// PCM16 24 kHz in and out. Clients can change only the few fields <see cref="SessionUpdatePolicy"/> allows.
    /// </summary>
    public static BinaryData SessionUpdate(Character character, string transcriptionModel, string? extraInstructions = null) =>
        new BinaryData(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "session.update"u8);
            w.WritePropertyName("session"u8);
            WriteSession(w, character, transcriptionModel, extraInstructions, model: null);
        }));

    /// <summary>
    /// The character's realtime session object (GA shape): instructions, voice, tools, server VAD, input transcription,
    /// PCM16 24 kHz in and out. Used for <c>session.update</c> and for minting client secrets.
    /// </summary>
    public static void WriteSession(Utf8JsonWriter w, Character character, string transcriptionModel, string? extraInstructions, string? model)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "realtime"u8);
        if (model is not null)
        {
            w.WriteString("model"u8, model);
        }

        w.WriteString("instructions"u8, extraInstructions is null ? character.ComposeInstructions() : character.ComposeInstructions() + "\n\n" + extraInstructions);
        w.WriteStartArray("output_modalities"u8);
        w.WriteStringValue("audio"u8);
        w.WriteEndArray();
        w.WriteStartObject("audio"u8);
        w.WriteStartObject("input"u8);
        WritePcmFormat(w);
        w.WriteStartObject("transcription"u8);
        w.WriteString("model"u8, transcriptionModel);
        w.WriteString("language"u8, character.Language);
        w.WriteEndObject();
        w.WriteStartObject("turn_detection"u8);
        w.WriteString("type"u8, "server_vad"u8);
        w.WriteNumber("threshold"u8, character.Vad.Threshold);
        w.WriteNumber("prefix_padding_ms"u8, character.Vad.PrefixPaddingMs);
        w.WriteNumber("silence_duration_ms"u8, character.Vad.SilenceDurationMs);
        w.WriteBoolean("create_response"u8, true);
        w.WriteBoolean("interrupt_response"u8, true);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("output"u8);
        WritePcmFormat(w);
        w.WriteString("voice"u8, character.Voice);
        w.WriteEndObject();
        w.WriteEndObject();
        if (character.Tools.Count > 0)
        {
            w.WriteStartArray("tools"u8);
            foreach (var tool in character.Tools)
            {
                w.WriteStartObject();
                w.WriteString("type"u8, "function"u8);
                w.WriteString("name"u8, tool.Name);
                w.WriteString("description"u8, tool.Description);
                w.WritePropertyName("parameters"u8);
                using var schema = JsonDocument.Parse(tool.ParametersJsonSchema);
                schema.RootElement.WriteTo(w);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// A <c>response.create</c> that has the character say <paramref name="text"/> verbatim (a closing line, a safety
    /// message), tagged in <c>metadata</c> so the grain recognises its events. Instructions-following models obey the
    /// instruction; the engine's scripted responder recognises the same form.
    /// </summary>
    public static BinaryData SayExactly(string text, string purposeField, string purpose) =>
        new BinaryData(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "response.create"u8);
            w.WriteStartObject("response"u8);
            w.WriteString("instructions"u8, SayExactlyPrefix + text);
            w.WriteStartObject("metadata"u8);
            w.WriteString(purposeField, purpose);
            w.WriteEndObject();
            w.WriteEndObject();
        }));

    /// <summary>The instruction prefix of <see cref="SayExactly"/>; the text to say follows it.</summary>
    public const string SayExactlyPrefix = "Say exactly the following, word for word, and nothing else: ";

    /// <summary>A persisted transcript entry as a conversation item (user input_text, assistant output_text).</summary>
    public static BinaryData SeedItem(string itemId, TranscriptEntry entry) =>
        new BinaryData(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversation.item.create"u8);
            w.WriteStartObject("item"u8);
            w.WriteString("id"u8, itemId);
            w.WriteString("type"u8, "message"u8);
            w.WriteString("role"u8, entry.Role.WireName());
            w.WriteStartArray("content"u8);
            w.WriteStartObject();
            w.WriteString("type"u8, entry.Role == Speaker.User ? "input_text"u8 : "output_text"u8);
            w.WriteString("text"u8, entry.Text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }));

    /// <summary>The most bytes <see cref="WriteAppendAudio"/> writes for <paramref name="pcmLength"/> bytes of audio.</summary>
    public static int MaxAppendAudioLength(int pcmLength) =>
        AppendPrefix.Length + System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(pcmLength) + AppendSuffix.Length;

    /// <summary>Writes <c>input_audio_buffer.append</c> around raw PCM16 from a binary client frame into <paramref name="destination"/>.</summary>
    public static int WriteAppendAudio(ReadOnlySpan<byte> pcm16, Span<byte> destination)
    {
        AppendPrefix.CopyTo(destination);
        System.Buffers.Text.Base64.EncodeToUtf8(pcm16, destination[AppendPrefix.Length..], out _, out var written);
        AppendSuffix.CopyTo(destination[(AppendPrefix.Length + written)..]);
        return AppendPrefix.Length + written + AppendSuffix.Length;
    }

    private static ReadOnlySpan<byte> AppendPrefix => "{\"type\":\"input_audio_buffer.append\",\"audio\":\""u8;

    private static ReadOnlySpan<byte> AppendSuffix => "\"}"u8;

    private static void WritePcmFormat(Utf8JsonWriter w)
    {
        w.WriteStartObject("format"u8);
        w.WriteString("type"u8, "audio/pcm"u8);
        w.WriteNumber("rate"u8, 24000);
        w.WriteEndObject();
    }
}
