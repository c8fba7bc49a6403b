using System.Text.Json;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>Server VAD parameters, as in OpenAI's <c>server_vad</c> turn detection.</summary>
internal sealed record TurnDetection
{
    public string Type { get; init; } = "server_vad";

    public double Threshold { get; init; } = 0.5;

    public int PrefixPaddingMs { get; init; } = 300;

    public int SilenceDurationMs { get; init; } = 500;

    public int? IdleTimeoutMs { get; init; }

    public bool CreateResponse { get; init; } = true;

    public bool InterruptResponse { get; init; } = true;
}

/// <summary>A function the client declared in <c>session.update</c> or <c>response.create</c>.</summary>
internal sealed record FunctionTool(string Name, string? Description, string ParametersJson);

/// <summary>Input transcription settings as the client set them (the engine always transcribes, to answer).</summary>
internal sealed record TranscriptionSettings(string? Model, string? Language, string? Prompt);

/// <summary>The session configuration a client sees in <c>session.created</c>/<c>session.updated</c> and can change.</summary>
internal sealed record SessionSettings
{
    public required string Model { get; init; }

    public string Instructions { get; init; } = string.Empty;

    /// <summary><c>audio</c> (speech plus transcript) or <c>text</c>.</summary>
    public string OutputModality { get; init; } = "audio";

    public string Voice { get; init; } = "alloy";

    public double Speed { get; init; } = 1.0;

    public TurnDetection? TurnDetection { get; init; } = new();

    public TranscriptionSettings? Transcription { get; init; }

    public string? NoiseReduction { get; init; }

    public IReadOnlyList<FunctionTool> Tools { get; init; } = [];

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c>, or a function name.</summary>
    public string ToolChoice { get; init; } = "auto";

    public int? MaxOutputTokens { get; init; }

    /// <summary>Writes the GA session object.</summary>
    public void WriteTo(Utf8JsonWriter writer, string sessionId, long expiresAt)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "realtime");
        writer.WriteString("object", "realtime.session");
        writer.WriteString("id", sessionId);
        writer.WriteString("model", Model);
        writer.WriteStartArray("output_modalities");
        writer.WriteStringValue(OutputModality);
        writer.WriteEndArray();
        writer.WriteString("instructions", Instructions);
        writer.WriteStartArray("tools");
        foreach (var tool in Tools)
        {
            WriteTool(writer, tool);
        }

        writer.WriteEndArray();
        writer.WriteString("tool_choice", ToolChoice is "auto" or "none" or "required" ? ToolChoice : "auto");
        WriteMaxOutputTokens(writer, MaxOutputTokens);
        writer.WriteString("truncation", "auto");
        writer.WriteNull("tracing");
        writer.WriteNull("prompt");
        writer.WriteNumber("expires_at", expiresAt);
        writer.WriteStartObject("audio");
        writer.WriteStartObject("input");
        WritePcmFormat(writer);
        if (Transcription is null)
        {
            writer.WriteNull("transcription");
        }
        else
        {
            writer.WriteStartObject("transcription");
            writer.WriteString("model", Transcription.Model ?? "pocketsphinx");
            WriteOptionalString(writer, "language", Transcription.Language);
            WriteOptionalString(writer, "prompt", Transcription.Prompt);
            writer.WriteEndObject();
        }

        if (NoiseReduction is null)
        {
            writer.WriteNull("noise_reduction");
        }
        else
        {
            writer.WriteStartObject("noise_reduction");
            writer.WriteString("type", NoiseReduction);
            writer.WriteEndObject();
        }

        if (TurnDetection is null)
        {
            writer.WriteNull("turn_detection");
        }
        else
        {
            writer.WriteStartObject("turn_detection");
            writer.WriteString("type", TurnDetection.Type);
            writer.WriteNumber("threshold", TurnDetection.Threshold);
            writer.WriteNumber("prefix_padding_ms", TurnDetection.PrefixPaddingMs);
            writer.WriteNumber("silence_duration_ms", TurnDetection.SilenceDurationMs);
            if (TurnDetection.IdleTimeoutMs is { } idle)
            {
                writer.WriteNumber("idle_timeout_ms", idle);
            }
            else
            {
                writer.WriteNull("idle_timeout_ms");
            }

            writer.WriteBoolean("create_response", TurnDetection.CreateResponse);
            writer.WriteBoolean("interrupt_response", TurnDetection.InterruptResponse);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("output");
        WritePcmFormat(writer);
        writer.WriteString("voice", Voice);
        writer.WriteNumber("speed", Speed);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WritePcmFormat(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("format");
        writer.WriteString("type", "audio/pcm");
        writer.WriteNumber("rate", Audio.Pcm.SampleRate);
        writer.WriteEndObject();
    }

    public static void WriteMaxOutputTokens(Utf8JsonWriter writer, int? maxOutputTokens)
    {
        if (maxOutputTokens is { } limit)
        {
            writer.WriteNumber("max_output_tokens", limit);
        }
        else
        {
            writer.WriteString("max_output_tokens", "inf");
        }
    }

    public static void WriteTool(Utf8JsonWriter writer, FunctionTool tool)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "function");
        writer.WriteString("name", tool.Name);
        WriteOptionalString(writer, "description", tool.Description);
        writer.WritePropertyName("parameters");
        writer.WriteRawValue(tool.ParametersJson, skipInputValidation: true);
        writer.WriteEndObject();
    }

    private static void WriteOptionalString(Utf8JsonWriter writer, string name, string? value)
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
