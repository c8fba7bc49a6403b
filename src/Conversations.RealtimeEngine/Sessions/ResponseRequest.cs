using System.Text.Json;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>What a response is asked to do: the session's settings with the overrides of <c>response.create</c>.</summary>
internal sealed record ResponseRequest
{
    public string? ClientEventId { get; init; }

    public required SessionSettings Settings { get; init; }

    /// <summary>False for <c>conversation: "none"</c>: the output stays out of the conversation.</summary>
    public bool AddToConversation { get; init; } = true;

    /// <summary>A context given in <c>response.input</c> instead of the conversation.</summary>
    public IReadOnlyList<ConversationItem>? Input { get; init; }

    public string? MetadataJson { get; init; }

    /// <summary>Stopwatch timestamp of the <c>speech_stopped</c> that triggered this response, for time to first audio.</summary>
    public long SpeechStoppedAt { get; init; }

    public bool ByTurnDetection { get; init; }

    /// <summary>Started by <c>idle_timeout_ms</c>: the model is asked to check in with a silent user.</summary>
    public bool IdleCheckIn { get; init; }
}

/// <summary>Writes the GA response object.</summary>
internal static class ResponseJson
{
    public static void Write(
        Utf8JsonWriter writer,
        string id,
        string status,
        string? reason,
        (string Type, string Code, string Message)? failure,
        IReadOnlyList<ConversationItem> output,
        string? conversationId,
        SessionSettings settings,
        ResponseUsage? usage,
        string? metadataJson)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "realtime.response");
        writer.WriteString("id", id);
        writer.WriteString("status", status);
        if (status is "in_progress" or "completed" && failure is null)
        {
            writer.WriteNull("status_details");
        }
        else
        {
            writer.WriteStartObject("status_details");
            writer.WriteString("type", status);
            if (reason is not null)
            {
                writer.WriteString("reason", reason);
            }

            if (failure is { } error)
            {
                writer.WriteStartObject("error");
                writer.WriteString("type", error.Type);
                writer.WriteString("code", error.Code);
                writer.WriteString("message", error.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteStartArray("output");
        foreach (var item in output)
        {
            item.WriteTo(writer);
        }

        writer.WriteEndArray();
        if (conversationId is null)
        {
            writer.WriteNull("conversation_id");
        }
        else
        {
            writer.WriteString("conversation_id", conversationId);
        }

        writer.WriteStartArray("output_modalities");
        writer.WriteStringValue(settings.OutputModality);
        writer.WriteEndArray();
        SessionSettings.WriteMaxOutputTokens(writer, settings.MaxOutputTokens);
        writer.WriteStartObject("audio");
        writer.WriteStartObject("output");
        SessionSettings.WritePcmFormat(writer);
        writer.WriteString("voice", settings.Voice);
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (usage is null)
        {
            writer.WriteNull("usage");
        }
        else
        {
            writer.WritePropertyName("usage");
            usage.WriteTo(writer);
        }

        if (metadataJson is null)
        {
            writer.WriteNull("metadata");
        }
        else
        {
            writer.WritePropertyName("metadata");
            writer.WriteRawValue(metadataJson, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }
}
