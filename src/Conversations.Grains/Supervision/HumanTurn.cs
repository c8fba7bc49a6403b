using System.Buffers.Text;
using System.Text.Json;
using Conversations.Abstractions.Protocol;
using Conversations.Grains.Conversations;

namespace Conversations.Grains.Supervision;

/// <summary>
/// A human counsellor's words to the user, sent as a response of its own in the OpenAI Realtime shape (created, item,
/// audio deltas, transcript, done), so any Realtime client plays it like the character's answers. Its metadata says
/// <c>conversations_purpose: human</c>.
/// </summary>
internal sealed class HumanTurn
{
    public const string Purpose = "human";
    private long _bytes;

    private HumanTurn(string responseId, string itemId)
    {
        ResponseId = responseId;
        ItemId = itemId;
    }

    public string ResponseId { get; }

    public string ItemId { get; }

    /// <summary>Seconds of audio sent so far.</summary>
    public double Seconds => _bytes / 48_000.0;

    /// <summary>Opens the turn on the user's connection.</summary>
    public static HumanTurn Start(ClientConnection client)
    {
        var turn = new HumanTurn("resp_human_" + Guid.NewGuid().ToString("N")[..20], "item_human_" + Guid.NewGuid().ToString("N")[..20]);
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.created");
            w.WritePropertyName("response"u8);
            turn.WriteResponse(w, "in_progress", null);
        }));
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.output_item.added");
            w.WriteString("response_id"u8, turn.ResponseId);
            w.WriteNumber("output_index"u8, 0);
            w.WritePropertyName("item"u8);
            turn.WriteItem(w, "in_progress", null);
        }));
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.content_part.added");
            turn.WriteAddress(w);
            w.WriteStartObject("part"u8);
            w.WriteString("type"u8, "audio"u8);
            w.WriteString("transcript"u8, ""u8);
            w.WriteEndObject();
        }));
        return turn;
    }

    /// <summary>A chunk of PCM16 24 kHz audio: binary for a <c>conversations.pcm16</c> client, a delta event otherwise.</summary>
    public void Audio(ClientConnection client, ReadOnlySpan<byte> pcm16)
    {
        _bytes += pcm16.Length;
        if (client.BinaryAudio)
        {
            client.SendAudio(pcm16.ToArray());
            return;
        }

        var base64 = new byte[Base64.GetMaxEncodedToUtf8Length(pcm16.Length)];
        Base64.EncodeToUtf8(pcm16, base64, out _, out var written);
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.output_audio.delta");
            WriteAddress(w);
            w.WritePropertyName("delta"u8);
            w.WriteStringValue(System.Text.Encoding.ASCII.GetString(base64, 0, written));
        }));
    }

    /// <summary>Closes the turn with what was said.</summary>
    public void Finish(ClientConnection client, string transcript)
    {
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.output_audio.done");
            WriteAddress(w);
        }));
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.output_audio_transcript.done");
            WriteAddress(w);
            w.WriteString("transcript"u8, transcript);
        }));
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.content_part.done");
            WriteAddress(w);
            w.WriteStartObject("part"u8);
            w.WriteString("type"u8, "audio"u8);
            w.WriteString("transcript"u8, transcript);
            w.WriteEndObject();
        }));
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.output_item.done");
            w.WriteString("response_id"u8, ResponseId);
            w.WriteNumber("output_index"u8, 0);
            w.WritePropertyName("item"u8);
            WriteItem(w, "completed", transcript);
        }));
        client.SendJson(ServerEvents.Write(w =>
        {
            Header(w, "response.done");
            w.WritePropertyName("response"u8);
            WriteResponse(w, "completed", transcript);
        }));
    }

    private static void Header(Utf8JsonWriter w, string type)
    {
        w.WriteString("type"u8, type);
        w.WriteString("event_id"u8, ServerEvents.NewEventId());
    }

    private void WriteAddress(Utf8JsonWriter w)
    {
        w.WriteString("response_id"u8, ResponseId);
        w.WriteString("item_id"u8, ItemId);
        w.WriteNumber("output_index"u8, 0);
        w.WriteNumber("content_index"u8, 0);
    }

    private void WriteResponse(Utf8JsonWriter w, string status, string? transcript)
    {
        w.WriteStartObject();
        w.WriteString("object"u8, "realtime.response"u8);
        w.WriteString("id"u8, ResponseId);
        w.WriteString("status"u8, status);
        w.WriteNull("status_details"u8);
        w.WriteStartArray("output"u8);
        if (transcript is not null)
        {
            WriteItem(w, "completed", transcript);
        }

        w.WriteEndArray();
        w.WriteStartArray("output_modalities"u8);
        w.WriteStringValue("audio"u8);
        w.WriteEndArray();
        w.WriteNull("usage"u8);
        w.WriteStartObject("metadata"u8);
        w.WriteString("conversations_purpose"u8, Purpose);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteItem(Utf8JsonWriter w, string status, string? transcript)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, ItemId);
        w.WriteString("object"u8, "realtime.item"u8);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("status"u8, status);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteStartArray("content"u8);
        if (transcript is not null)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "output_audio"u8);
            w.WriteString("transcript"u8, transcript);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
