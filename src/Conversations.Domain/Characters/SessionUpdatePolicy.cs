using System.Buffers;
using System.Text.Json;

namespace Conversations.Domain.Characters;

/// <summary>
/// Screens a client's <c>session.update</c> (GA shape): only turn detection, transcription language, noise reduction and
/// PCM16 24 kHz formats may change; anything else (instructions, tools, voice, model, prompt …) refuses the whole event.
/// </summary>
public static class SessionUpdatePolicy
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16 };
    private static readonly JsonElement EmptySession = ParseElement("""{"type":"realtime"}"""u8);

    /// <summary>Screens a whole client event given as UTF-8 JSON.</summary>
    public static SessionUpdateDecision Evaluate(ReadOnlySpan<byte> utf8Event)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Event, new JsonReaderOptions { MaxDepth = ParseOptions.MaxDepth });
            using var document = JsonDocument.ParseValue(ref reader);
            return Evaluate(document.RootElement);
        }
        catch (JsonException)
        {
            return Refused(["(invalid JSON)"], null);
        }
    }

    /// <summary>Screens a whole client event (<c>{"type":"session.update","session":{…}}</c>).</summary>
    public static SessionUpdateDecision Evaluate(JsonElement clientEvent)
    {
        if (clientEvent.ValueKind != JsonValueKind.Object)
        {
            return Refused(["(event is not an object)"], null);
        }

        var eventId = clientEvent.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        if (!clientEvent.TryGetProperty("type", out var type) || !type.ValueEquals("session.update"u8))
        {
            return Refused(["type"], eventId);
        }

        if (!clientEvent.TryGetProperty("session", out var session) || session.ValueKind != JsonValueKind.Object)
        {
            return Refused(["session"], eventId);
        }

        var forbidden = new List<string>();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "realtime"u8);
            foreach (var property in session.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "type":
                        if (!property.Value.ValueEquals("realtime"u8))
                        {
                            forbidden.Add("type");
                        }

                        break;
                    case "audio" when property.Value.ValueKind == JsonValueKind.Object:
                        WriteAudio(property.Value, writer, forbidden);
                        break;
                    default:
                        forbidden.Add(property.Name);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return forbidden.Count > 0
            ? Refused(forbidden, eventId)
            : new SessionUpdateDecision(true, ParseElement(buffer.WrittenSpan), [], eventId);
    }

    private static void WriteAudio(JsonElement audio, Utf8JsonWriter writer, List<string> forbidden)
    {
        writer.WritePropertyName("audio"u8);
        writer.WriteStartObject();
        foreach (var direction in audio.EnumerateObject())
        {
            if (direction.Value.ValueKind != JsonValueKind.Object || direction.Name is not ("input" or "output"))
            {
                forbidden.Add("audio." + direction.Name);
                continue;
            }

            var input = string.Equals(direction.Name, "input", StringComparison.Ordinal);
            writer.WritePropertyName(direction.Name);
            writer.WriteStartObject();
            foreach (var field in direction.Value.EnumerateObject())
            {
                var path = "audio." + direction.Name + "." + field.Name;
                var ok = (input, field.Name) switch
                {
                    (_, "format") => IsPcm16At24k(field.Value),
                    (true, "turn_detection") => IsTurnDetection(field.Value, path, forbidden),
                    (true, "noise_reduction") => IsNoiseReduction(field.Value),
                    (true, "transcription") => IsTranscriptionLanguageOnly(field.Value, path, forbidden),
                    _ => false,
                };

                if (ok)
                {
                    field.WriteTo(writer);
                }
                else if (!forbidden.Exists(f => f.StartsWith(path, StringComparison.Ordinal)))
                {
                    forbidden.Add(path);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static bool IsPcm16At24k(JsonElement format)
    {
        if (format.ValueKind == JsonValueKind.String)
        {
            return format.ValueEquals("pcm16"u8); // the beta shape, always 24 kHz
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var pcm = false;
        foreach (var p in format.EnumerateObject())
        {
            switch (p.Name)
            {
                case "type" when p.Value.ValueEquals("audio/pcm"u8):
                    pcm = true;
                    break;
                case "rate" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var rate) && rate == 24000:
                    break;
                default:
                    return false;
            }
        }

        return pcm;
    }

    private static bool IsNoiseReduction(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var p in value.EnumerateObject())
        {
            if (!string.Equals(p.Name, "type", StringComparison.Ordinal) || !(p.Value.ValueEquals("near_field"u8) || p.Value.ValueEquals("far_field"u8)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Transcription stays on (emergency screening reads it); only its language may change.</summary>
    private static bool IsTranscriptionLanguageOnly(JsonElement value, string path, List<string> forbidden)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var ok = true;
        foreach (var p in value.EnumerateObject())
        {
            if (!string.Equals(p.Name, "language", StringComparison.Ordinal) || !IsLanguageTag(p.Value))
            {
                forbidden.Add(path + "." + p.Name);
                ok = false;
            }
        }

        return ok;
    }

    private static bool IsLanguageTag(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var text = value.GetString()!;
        return text.Length is >= 2 and <= 12 && text.All(c => char.IsAsciiLetter(c) || c == '-');
    }

    private static bool IsTurnDetection(JsonElement value, string path, List<string> forbidden)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true; // manual turns: the client commits and asks for responses itself
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var kind))
        {
            return false;
        }

        var server = kind.ValueEquals("server_vad"u8);
        var semantic = kind.ValueEquals("semantic_vad"u8);
        if (!server && !semantic)
        {
            forbidden.Add(path + ".type");
            return false;
        }

        var ok = true;
        foreach (var p in value.EnumerateObject())
        {
            var valid = p.Name switch
            {
                "type" => true,
                "create_response" or "interrupt_response" => p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "threshold" => server && InRange(p.Value, 0, 1),
                "prefix_padding_ms" => server && InRange(p.Value, 0, 5000),
                "silence_duration_ms" => server && InRange(p.Value, 100, 10000),
                "idle_timeout_ms" => server && (p.Value.ValueKind == JsonValueKind.Null || InRange(p.Value, 5000, 30000)),
                "eagerness" => semantic && p.Value.ValueKind == JsonValueKind.String &&
                               p.Value.GetString() is "low" or "medium" or "high" or "auto",
                _ => false,
            };

            if (!valid)
            {
                forbidden.Add(path + "." + p.Name);
                ok = false;
            }
        }

        return ok;
    }

    private static bool InRange(JsonElement value, double min, double max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d >= min && d <= max;

    private static SessionUpdateDecision Refused(IReadOnlyList<string> fields, string? eventId) =>
        new(false, EmptySession, fields, eventId);

    private static JsonElement ParseElement(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        return JsonElement.ParseValue(ref reader);
    }
}
