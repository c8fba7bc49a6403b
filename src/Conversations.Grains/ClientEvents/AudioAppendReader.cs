using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Conversations.Grains.ClientEvents;

/// <summary>The outcome of reading a frame as an audio append.</summary>
public enum AudioAppendOutcome
{
    /// <summary>Not an <c>input_audio_buffer.append</c>: read it as any other event.</summary>
    NotAnAppend,

    /// <summary>A valid append; the canonical upstream event was written.</summary>
    Valid,

    /// <summary>An append that is not valid; the error says why.</summary>
    Invalid,
}

/// <summary>
/// The hot path: reads <c>input_audio_buffer.append</c> in one forward pass (no document, no allocation without an
/// <c>event_id</c>) and writes the grain's own canonical event around the validated base64 audio.
/// </summary>
public static class AudioAppendReader
{
    private static ReadOnlySpan<byte> Prefix => "{\"type\":\"input_audio_buffer.append\","u8;

    /// <summary>
    /// Reads <paramref name="utf8"/>; when it is a valid append, writes the upstream event into <paramref name="output"/>.
    /// </summary>
    public static AudioAppendOutcome TryRead(ReadOnlySpan<byte> utf8, ArrayBufferWriter<byte> output, out ClientEventError? error)
    {
        error = null;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = ClientEventReader.MaxDepth });
        string? eventId = null;
        var (isAppend, sawType, sawAudio, sawEventId) = (false, false, false, false);
        var (audioStart, audioLength, audioEscaped) = (0, 0, false);
        ClientEventError? problem = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return AudioAppendOutcome.NotAnAppend;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    problem ??= sawType ? Duplicate("type") : null;
                    sawType = true;
                    reader.Read();
                    isAppend = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("input_audio_buffer.append"u8);
                }
                else if (reader.ValueTextEquals("audio"u8))
                {
                    problem ??= sawAudio ? Duplicate("audio") : null;
                    sawAudio = true;
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        problem ??= new ClientEventError("invalid_type", "audio must be a base64 string.", "audio", null);
                        reader.Skip();
                        continue;
                    }

                    (audioStart, audioLength, audioEscaped) = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);
                }
                else if (reader.ValueTextEquals("event_id"u8))
                {
                    problem ??= sawEventId ? Duplicate("event_id") : null;
                    sawEventId = true;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        try
                        {
                            eventId = reader.GetString();
                            problem ??= eventId!.Length > 128 ? new ClientEventError("invalid_value", "event_id may have at most 128 characters.", "event_id", null) : null;
                        }
                        catch (InvalidOperationException)
                        {
                            problem ??= new ClientEventError("invalid_value", "event_id is not valid text (an unpaired surrogate escape).", "event_id", null);
                        }
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        problem ??= new ClientEventError("invalid_type", "event_id must be a string.", "event_id", null);
                        reader.Skip();
                    }
                }
                else
                {
                    var name = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                    problem ??= new ClientEventError("unknown_parameter", $"Unknown parameter: '{name}'.", name, null);
                    reader.Read();
                    reader.Skip();
                }
            }

            while (reader.Read())
            {
                // Reading to the end validates the whole document.
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return AudioAppendOutcome.NotAnAppend; // The document reader reports what is wrong.
        }

        if (!isAppend)
        {
            return AudioAppendOutcome.NotAnAppend;
        }

        problem ??= sawAudio ? null : new ClientEventError("missing_required_parameter", "audio is required.", "audio", null);
        if (problem is not null)
        {
            error = problem with { EventId = eventId };
            return AudioAppendOutcome.Invalid;
        }

        // Base64 from a JSON encoder may escape '+' or '/': unescape it before checking it.
        var audio = utf8.Slice(audioStart, audioLength);
        byte[]? unescaped = null;
        if (audioEscaped)
        {
            unescaped = ArrayPool<byte>.Shared.Rent(audioLength);
            var copyReader = new Utf8JsonReader(utf8[(audioStart - 1)..]);
            copyReader.Read();
            audio = unescaped.AsSpan(0, copyReader.CopyString(unescaped));
        }

        try
        {
            if (!Base64.IsValid(audio, out var decoded) || decoded % 2 != 0)
            {
                error = new ClientEventError("invalid_audio", "audio must be base64 PCM16 (an even number of bytes).", "audio", eventId);
                return AudioAppendOutcome.Invalid;
            }

            output.Write(Prefix);
            if (eventId is not null)
            {
                output.Write("\"event_id\":\""u8);
                output.Write(JsonEncodedText.Encode(eventId).EncodedUtf8Bytes);
                output.Write("\","u8);
            }

            output.Write("\"audio\":\""u8);
            output.Write(audio);
            output.Write("\"}"u8);
            return AudioAppendOutcome.Valid;
        }
        finally
        {
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    private static ClientEventError Duplicate(string field) => new("invalid_json", $"The event repeats the key '{field}'.", field, null);
}
