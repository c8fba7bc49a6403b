using System.Text.Json;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>One content part of a message item.</summary>
internal sealed class ItemContent
{
    /// <summary><c>input_text</c>, <c>input_audio</c>, <c>output_text</c> or <c>output_audio</c>.</summary>
    public required string Type { get; init; }

    public string? Text { get; set; }

    public string? Transcript { get; set; }
}

/// <summary>A stretch of assistant speech and the text it says, so truncation can keep what was heard.</summary>
internal readonly record struct SpokenSegment(string Text, long StartMs, long EndMs);

/// <summary>An item of the conversation: a message, a function call, or a function call's output.</summary>
internal sealed class ConversationItem
{
    public required string Id { get; init; }

    /// <summary><c>message</c>, <c>function_call</c> or <c>function_call_output</c>.</summary>
    public required string Type { get; init; }

    public string? Role { get; init; }

    public string Status { get; set; } = "completed";

    public List<ItemContent> Content { get; } = [];

    public string? CallId { get; init; }

    public string? Name { get; init; }

    public string? Arguments { get; set; }

    public string? Output { get; init; }

    /// <summary>Seconds of audio the item carries (user input or assistant output).</summary>
    public double AudioSeconds { get; set; }

    /// <summary>Seconds of this item's audio that speech-to-text processed (user audio).</summary>
    public double SpeechToTextSeconds { get; set; }

    /// <summary>The speech-to-text seconds have been reported in a response's usage.</summary>
    public bool SpeechToTextReported { get; set; }

    /// <summary>Where the client cut the assistant's audio (<c>conversation.item.truncate</c>), if it did.</summary>
    public long? TruncatedAtMs { get; set; }

    /// <summary>Speech-to-text failed for this item (user audio).</summary>
    public bool TranscriptionFailed { get; set; }

    /// <summary>For user audio: the transcript, once speech-to-text has finished.</summary>
    public Task<string>? PendingTranscript { get; set; }

    /// <summary>For assistant audio: what was said when.</summary>
    public List<SpokenSegment> Spoken { get; } = [];

    /// <summary>The text a text model sees for this item.</summary>
    public string Text => Type switch
    {
        "function_call" => Arguments ?? string.Empty,
        "function_call_output" => Output ?? string.Empty,
        _ => string.Join(" ", Content.Select(part => part.Text ?? part.Transcript).Where(text => !string.IsNullOrEmpty(text))),
    };

    public bool IsUserAudio => Role is "user" && Content.Count > 0 && Content[0].Type is "input_audio";

    /// <summary>Milliseconds of assistant audio generated so far.</summary>
    public long SpokenMilliseconds => Spoken.Count == 0 ? 0 : Spoken[^1].EndMs;

    /// <summary>Cuts the assistant's transcript to what was said before <paramref name="audioEndMs"/>.</summary>
    /// <remarks>Whole sentences before the cut stay; of the sentence being spoken, the share of words matching the share of its audio.</remarks>
    public void TruncateAudio(long audioEndMs)
    {
        TruncatedAtMs = audioEndMs;
        var kept = new System.Text.StringBuilder();
        foreach (var segment in Spoken)
        {
            if (segment.EndMs <= audioEndMs)
            {
                kept.Append(segment.Text);
                continue;
            }

            if (segment.StartMs < audioEndMs && segment.EndMs > segment.StartMs)
            {
                var words = segment.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var share = (double)(audioEndMs - segment.StartMs) / (segment.EndMs - segment.StartMs);
                var count = (int)Math.Floor(words.Length * share);
                if (count > 0)
                {
                    kept.Append(kept.Length > 0 ? " " : string.Empty).Append(string.Join(' ', words, 0, count));
                }
            }

            break;
        }

        if (Content.Count > 0)
        {
            Content[0].Transcript = kept.ToString().Trim();
        }

        AudioSeconds = audioEndMs / 1000.0;
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("object", "realtime.item");
        writer.WriteString("type", Type);
        writer.WriteString("status", Status);
        switch (Type)
        {
            case "function_call":
                writer.WriteString("name", Name);
                writer.WriteString("call_id", CallId);
                writer.WriteString("arguments", Arguments ?? string.Empty);
                break;
            case "function_call_output":
                writer.WriteString("call_id", CallId);
                writer.WriteString("output", Output);
                break;
            default:
                writer.WriteString("role", Role);
                writer.WriteStartArray("content");
                foreach (var part in Content)
                {
                    WritePart(writer, part, forItem: true);
                }

                writer.WriteEndArray();
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a content part; response events use <c>audio</c>/<c>text</c> where items use <c>output_audio</c>/<c>output_text</c>.</summary>
    public static void WritePart(Utf8JsonWriter writer, ItemContent part, bool forItem)
    {
        writer.WriteStartObject();
        var type = forItem ? part.Type : part.Type switch
        {
            "output_audio" => "audio",
            "output_text" => "text",
            _ => part.Type,
        };
        writer.WriteString("type", type);
        switch (part.Type)
        {
            case "input_text" or "output_text":
                writer.WriteString("text", part.Text ?? string.Empty);
                break;
            case "input_audio":
                if (part.Transcript is null)
                {
                    writer.WriteNull("transcript");
                }
                else
                {
                    writer.WriteString("transcript", part.Transcript);
                }

                break;
            default:
                writer.WriteString("transcript", part.Transcript ?? string.Empty);
                break;
        }

        writer.WriteEndObject();
    }
}
