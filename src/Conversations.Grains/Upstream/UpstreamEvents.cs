using System.Text.Json;
using Conversations.Domain.Characters;
using Conversations.Domain.Transcript;
using Conversations.Abstractions.Protocol;
using Conversations.Grains.ClientEvents;

namespace Conversations.Grains.Upstream;

/// <summary>The client events the grain itself sends upstream: the character's session, and transcript seeds.</summary>
public static class UpstreamEvents
{
    /// <summary>
    /// <c>session.update</c> with everything the server decides: instructions, voice, tools, VAD, transcription and
    /// PCM16 24 kHz in and out. Clients can change only the few fields <see cref="SessionUpdatePolicy"/> allows.
    /// </summary>
    /// <param name="aiResponds">False while a human counsellor leads: user speech is still transcribed, but answers no more.</param>
    public static BinaryData SessionUpdate(Character character, string transcriptionModel, string? extraInstructions = null, bool aiResponds = true) =>
        new BinaryData(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "session.update"u8);
            w.WritePropertyName("session"u8);
            WriteSession(w, character, transcriptionModel, extraInstructions, model: null, aiResponds);
        }));

    /// <summary>
    /// The character's realtime session object (GA shape): instructions, voice, tools, server VAD, input transcription,
    /// PCM16 24 kHz in and out. Used for <c>session.update</c> and for minting client secrets.
    /// </summary>
    public static void WriteSession(Utf8JsonWriter w, Character character, string transcriptionModel, string? extraInstructions, string? model, bool aiResponds = true)
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
        w.WriteBoolean("create_response"u8, aiResponds);
        w.WriteBoolean("interrupt_response"u8, aiResponds);
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

    /// <summary>
    /// A persisted transcript entry as a conversation item: the user's words as user input_text, the character's as
    /// assistant output_text, a human counsellor's as a user-visible note in the character's turn. Null for a tool's
    /// output, whose call the new session never saw.
    /// </summary>
    public static BinaryData? SeedItem(string itemId, TranscriptEntry entry) => entry.Role switch
    {
        Speaker.User => Message(itemId, "user", "input_text", entry.Text),
        Speaker.Assistant => Message(itemId, "assistant", "output_text", entry.Text),
        Speaker.Supervisor => Message(itemId, "assistant", "output_text", SupervisorSaid + entry.Text),
        _ => null,
    };

    /// <summary>How a human counsellor's words appear in the model's context.</summary>
    public const string SupervisorSaid = "(A human counsellor said:) ";

    /// <summary>The grain's own serialisation of a validated client event (never the client's bytes).</summary>
    public static BinaryData Write(ClientEvent clientEvent) =>
        new(ServerEvents.Write(w =>
        {
            switch (clientEvent)
            {
                case BareEvent bare:
                    w.WriteString("type"u8, bare.Type);
                    WriteEventId(w, bare.EventId);
                    break;
                case ResponseCancel cancel:
                    w.WriteString("type"u8, "response.cancel"u8);
                    WriteEventId(w, cancel.EventId);
                    WriteOptional(w, "response_id"u8, cancel.ResponseId);
                    break;
                case ResponseCreate create:
                    WriteResponseCreate(w, create);
                    break;
                case UserMessage message:
                    WriteUserMessage(w, message);
                    break;
                case FunctionOutput output:
                    w.WriteString("type"u8, "conversation.item.create"u8);
                    WriteEventId(w, output.EventId);
                    WriteOptional(w, "previous_item_id"u8, output.PreviousItemId);
                    w.WriteStartObject("item"u8);
                    WriteOptional(w, "id"u8, output.ItemId);
                    w.WriteString("type"u8, "function_call_output"u8);
                    w.WriteString("call_id"u8, output.CallId);
                    w.WriteString("output"u8, output.Output);
                    w.WriteEndObject();
                    break;
                case Truncate truncate:
                    w.WriteString("type"u8, "conversation.item.truncate"u8);
                    WriteEventId(w, truncate.EventId);
                    w.WriteString("item_id"u8, truncate.ItemId);
                    w.WriteNumber("content_index"u8, truncate.ContentIndex);
                    w.WriteNumber("audio_end_ms"u8, truncate.AudioEndMs);
                    break;
                case SessionUpdate update:
                    w.WriteString("type"u8, "session.update"u8);
                    WriteEventId(w, update.EventId);
                    w.WritePropertyName("session"u8);
                    update.Session.WriteTo(w);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(clientEvent), clientEvent.GetType().Name, "No upstream form for this event.");
            }
        }));

    private static void WriteResponseCreate(Utf8JsonWriter w, ResponseCreate create)
    {
        w.WriteString("type"u8, "response.create"u8);
        WriteEventId(w, create.EventId);
        if (create.OutputModalities is null && create.Metadata is null && create.MaxOutputTokens is null && create.Conversation is null)
        {
            return;
        }

        w.WriteStartObject("response"u8);
        if (create.OutputModalities is { } modalities)
        {
            w.WriteStartArray("output_modalities"u8);
            foreach (var modality in modalities)
            {
                w.WriteStringValue(modality);
            }

            w.WriteEndArray();
        }

        if (create.Metadata is { } metadata)
        {
            w.WriteStartObject("metadata"u8);
            foreach (var (key, value) in metadata)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        if (create.MaxOutputTokens is { } maxTokens)
        {
            w.WritePropertyName("max_output_tokens"u8);
            maxTokens.WriteTo(w);
        }

        WriteOptional(w, "conversation"u8, create.Conversation);
        w.WriteEndObject();
    }

    private static void WriteUserMessage(Utf8JsonWriter w, UserMessage message)
    {
        w.WriteString("type"u8, "conversation.item.create"u8);
        WriteEventId(w, message.EventId);
        WriteOptional(w, "previous_item_id"u8, message.PreviousItemId);
        w.WriteStartObject("item"u8);
        WriteOptional(w, "id"u8, message.ItemId);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("role"u8, "user"u8);
        w.WriteStartArray("content"u8);
        foreach (var part in message.Content)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, part.Type);
            if (part.Base64Audio is { } audio)
            {
                w.WriteString("audio"u8, audio);
                WriteOptional(w, "transcript"u8, part.Text);
            }
            else
            {
                w.WriteString("text"u8, part.Text);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static BinaryData Message(string itemId, string role, string contentType, string text) =>
        new(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversation.item.create"u8);
            w.WriteStartObject("item"u8);
            w.WriteString("id"u8, itemId);
            w.WriteString("type"u8, "message"u8);
            w.WriteString("role"u8, role);
            w.WriteStartArray("content"u8);
            w.WriteStartObject();
            w.WriteString("type"u8, contentType);
            w.WriteString("text"u8, text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }));

    private static void WriteEventId(Utf8JsonWriter w, string? eventId) => WriteOptional(w, "event_id"u8, eventId);

    private static void WriteOptional(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>The largest event sent upstream: the realtime engine's default <c>Engine:MaxMessageBytes</c>, 1 MiB.</summary>
    public const int MaxEventLength = 1024 * 1024;

    /// <summary>
    /// The most base64 audio one upstream append carries: 512 KiB, about 8 s of PCM16 24 kHz, well under the realtime
    /// engine's 1 MiB per event (<c>Engine:MaxMessageBytes</c>). A multiple of 8 characters, so a piece holds whole samples.
    /// </summary>
    public const int MaxAppendBase64Length = 512 * 1024;

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
