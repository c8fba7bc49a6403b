using System.Buffers;
using System.Text.Json;
using Conversations.Domain.Transcript;

namespace Conversations.Abstractions.Protocol;

/// <summary>The server events the gateway itself writes: <c>error</c> and the <c>conversations.*</c> extensions of PROTOCOL.md.</summary>
public static class ServerEvents
{
    /// <summary>An OpenAI-style <c>error</c> event.</summary>
    public static ReadOnlyMemory<byte> Error(string type, string code, string message, string? eventId = null, string? param = null) =>
        Write(w =>
        {
            w.WriteString("type"u8, "error"u8);
            w.WriteString("event_id"u8, NewEventId());
            w.WriteStartObject("error"u8);
            w.WriteString("type"u8, type);
            w.WriteString("code"u8, code);
            w.WriteString("message"u8, message);
            WriteNullable(w, "param"u8, param);
            WriteNullable(w, "event_id"u8, eventId);
            w.WriteEndObject();
        });

    /// <summary>A client error: <c>invalid_request_error</c>.</summary>
    public static ReadOnlyMemory<byte> InvalidRequest(string code, string message, string? eventId = null, string? param = null) =>
        Error("invalid_request_error", code, message, eventId, param);

    /// <summary><c>conversations.started</c> or <c>conversations.resumed</c>.</summary>
    public static ReadOnlyMemory<byte> Attached(bool resumed, string conversationId, string characterId, int maxDurationSeconds, long lastSeq, string nodeId) =>
        Write(w =>
        {
            w.WriteString("type"u8, resumed ? "conversations.resumed"u8 : "conversations.started"u8);
            w.WriteString("event_id"u8, NewEventId());
            w.WriteString("conversation_id"u8, conversationId);
            w.WriteString("character_id"u8, characterId);
            w.WriteNumber("max_duration_seconds"u8, maxDurationSeconds);
            w.WriteNumber("last_seq"u8, lastSeq);
            w.WriteString("node_id"u8, nodeId);
        });

    /// <summary><c>conversations.transcript</c>, sent only once the entry is durable.</summary>
    public static ReadOnlyMemory<byte> Transcript(TranscriptEntry entry) =>
        Write(w =>
        {
            w.WriteString("type"u8, "conversations.transcript"u8);
            w.WriteString("event_id"u8, NewEventId());
            w.WriteNumber("seq"u8, entry.Seq);
            w.WriteString("role"u8, entry.Role.WireName());
            w.WriteString("text"u8, entry.Text);
            w.WriteString("at"u8, entry.At);
            WriteNullable(w, "item_id"u8, entry.ItemId);
            if (entry.SpeakerId is not null)
            {
                w.WriteString("speaker_id"u8, entry.SpeakerId);
            }
        });

    /// <summary><c>conversations.ended</c>.</summary>
    public static ReadOnlyMemory<byte> Ended(string reason, bool summaryPending) =>
        Write(w =>
        {
            w.WriteString("type"u8, "conversations.ended"u8);
            w.WriteString("event_id"u8, NewEventId());
            w.WriteString("reason"u8, reason);
            w.WriteBoolean("summary_pending"u8, summaryPending);
        });

    /// <summary>Writes one JSON object with <paramref name="body"/> filling its properties.</summary>
    public static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>An event id in OpenAI's style.</summary>
    public static string NewEventId() => "event_" + Guid.NewGuid().ToString("N")[..20];

    private static void WriteNullable(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
