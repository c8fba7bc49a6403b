using System.Text.Json;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>The client event types the engine understands.</summary>
internal enum ClientEventType
{
    Unknown,
    SessionUpdate,
    InputAudioBufferAppend,
    InputAudioBufferCommit,
    InputAudioBufferClear,
    ConversationItemCreate,
    ConversationItemDelete,
    ConversationItemRetrieve,
    ConversationItemTruncate,
    ResponseCreate,
    ResponseCancel,
    OutputAudioBufferClear,
}

/// <summary>The top level of a client event, read with <see cref="Utf8JsonReader"/>: type, event id, and where the audio is.</summary>
/// <remarks>Only <c>input_audio_buffer.append</c> stays on this path; other events are small and parsed into a document.</remarks>
internal readonly struct ClientEnvelope
{
    public ClientEventType Type { get; init; }

    /// <summary>The type as sent, for error messages (null when missing).</summary>
    public string? TypeName { get; init; }

    public string? EventId { get; init; }

    /// <summary>Where the <c>audio</c> string's raw bytes are in the message (length −1 when absent).</summary>
    public int AudioStart { get; init; }

    public int AudioLength { get; init; }

    /// <summary>The audio string contains JSON escapes (some encoders write <c>\u002B</c> for <c>+</c>).</summary>
    public bool AudioEscaped { get; init; }

    /// <summary>Reads the top-level properties; throws <see cref="JsonException"/> when the message is not a JSON object.</summary>
    public static ClientEnvelope Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A client event must be a JSON object.");
        }

        var type = ClientEventType.Unknown;
        string? typeName = null;
        string? eventId = null;
        int audioStart = 0, audioLength = -1;
        var audioEscaped = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    type = Classify(ref reader);
                    typeName = type == ClientEventType.Unknown ? reader.GetString() : null;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("event_id"u8))
            {
                reader.Read();
                eventId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("audio"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    audioStart = (int)reader.TokenStartIndex + 1;
                    audioLength = reader.ValueSpan.Length;
                    audioEscaped = reader.ValueIsEscaped;
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("Unexpected content after the event object.");
        }

        return new ClientEnvelope
        {
            Type = type,
            TypeName = type == ClientEventType.Unknown ? typeName : null,
            EventId = eventId,
            AudioStart = audioStart,
            AudioLength = audioLength,
            AudioEscaped = audioEscaped,
        };
    }

    private static ClientEventType Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("input_audio_buffer.append"u8))
        {
            return ClientEventType.InputAudioBufferAppend;
        }

        if (reader.ValueTextEquals("input_audio_buffer.commit"u8))
        {
            return ClientEventType.InputAudioBufferCommit;
        }

        if (reader.ValueTextEquals("input_audio_buffer.clear"u8))
        {
            return ClientEventType.InputAudioBufferClear;
        }

        if (reader.ValueTextEquals("session.update"u8))
        {
            return ClientEventType.SessionUpdate;
        }

        if (reader.ValueTextEquals("conversation.item.create"u8))
        {
            return ClientEventType.ConversationItemCreate;
        }

        if (reader.ValueTextEquals("conversation.item.delete"u8))
        {
            return ClientEventType.ConversationItemDelete;
        }

        if (reader.ValueTextEquals("conversation.item.retrieve"u8))
        {
            return ClientEventType.ConversationItemRetrieve;
        }

        if (reader.ValueTextEquals("conversation.item.truncate"u8))
        {
            return ClientEventType.ConversationItemTruncate;
        }

        if (reader.ValueTextEquals("response.create"u8))
        {
            return ClientEventType.ResponseCreate;
        }

        if (reader.ValueTextEquals("response.cancel"u8))
        {
            return ClientEventType.ResponseCancel;
        }

        return reader.ValueTextEquals("output_audio_buffer.clear"u8) ? ClientEventType.OutputAudioBufferClear : ClientEventType.Unknown;
    }
}

/// <summary>A protocol error to report to the client as an <c>error</c> event.</summary>
internal sealed class ProtocolException(string code, string message, string? param = null, string type = "invalid_request_error") : Exception(message)
{
    public string Code { get; } = code;

    public string? Param { get; } = param;

    public string ErrorType { get; } = type;
}
