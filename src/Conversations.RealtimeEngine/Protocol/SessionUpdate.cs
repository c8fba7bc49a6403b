using System.Text.Json;
using Conversations.RealtimeEngine.Sessions;
using static Conversations.RealtimeEngine.Protocol.JsonFields;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>Applies the fields present in a <c>session.update</c> to the current settings; absent fields stay as they are.</summary>
internal static class SessionUpdate
{
    public static readonly IReadOnlySet<string> Voices = new HashSet<string>(StringComparer.Ordinal)
    {
        "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar",
    };

    public static SessionSettings Apply(SessionSettings current, JsonElement session, int maxTextChars)
    {
        if (session.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType("session", "an object");
        }

        var type = OptionalString(session, "type", "session.type");
        if (type is not null and not "realtime")
        {
            throw InvalidValue("session.type", type, "'realtime'");
        }

        var settings = current;
        if (OptionalString(session, "instructions", "session.instructions") is { } instructions)
        {
            settings = settings with { Instructions = CheckLength(instructions, maxTextChars, "session.instructions") };
        }

        if (TryGet(session, "output_modalities", out var modalities) && modalities.ValueKind != JsonValueKind.Null)
        {
            settings = settings with { OutputModality = ReadModalities(modalities, "session.output_modalities") };
        }

        if (TryGet(session, "audio", out var audio) && audio.ValueKind == JsonValueKind.Object)
        {
            settings = ApplyAudio(settings, audio);
        }

        if (TryGet(session, "tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            settings = settings with { Tools = ReadTools(tools, "session.tools") };
        }

        if (TryGet(session, "tool_choice", out var toolChoice) && toolChoice.ValueKind != JsonValueKind.Null)
        {
            settings = settings with { ToolChoice = ReadToolChoice(toolChoice, "session.tool_choice") };
        }

        if (TryGet(session, "max_output_tokens", out var maxTokens))
        {
            settings = settings with { MaxOutputTokens = ReadMaxOutputTokens(maxTokens, "session.max_output_tokens") };
        }

        return settings;
    }

    public static string ReadModalities(JsonElement modalities, string param)
    {
        if (modalities.ValueKind != JsonValueKind.Array || modalities.GetArrayLength() is < 1 or > 2)
        {
            throw InvalidType(param, "an array with 'audio' or 'text'");
        }

        var values = modalities.EnumerateArray().Select(value => value.ValueKind == JsonValueKind.String ? value.GetString() : null).ToList();
        if (values.Any(value => value is not ("audio" or "text")))
        {
            throw InvalidValue(param, string.Join(",", values), "'audio', 'text'");
        }

        return values.Contains("audio") ? "audio" : "text";
    }

    public static IReadOnlyList<FunctionTool> ReadTools(JsonElement tools, string param)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType(param, "an array");
        }

        var list = new List<FunctionTool>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"{param}[{index++}]";
            var kind = OptionalString(tool, "type", $"{at}.type") ?? "function";
            if (kind is not "function")
            {
                throw InvalidValue($"{at}.type", kind, "'function'");
            }

            var name = RequireString(tool, "name", $"{at}.name");
            var description = OptionalString(tool, "description", $"{at}.description");
            var parameters = TryGet(tool, "parameters", out var schema) && schema.ValueKind == JsonValueKind.Object
                ? schema.GetRawText()
                : """{"type":"object","properties":{}}""";
            list.Add(new FunctionTool(name, description, parameters));
        }

        return list;
    }

    public static string ReadToolChoice(JsonElement choice, string param)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            var value = choice.GetString();
            return value is "auto" or "none" or "required" ? value : throw InvalidValue(param, value, "'auto', 'none', 'required'");
        }

        return choice.ValueKind == JsonValueKind.Object ? RequireString(choice, "name", $"{param}.name") : throw InvalidType(param, "a string or an object");
    }

    public static int? ReadMaxOutputTokens(JsonElement value, string param) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String when value.ValueEquals("inf") => null,
        JsonValueKind.Number when value.TryGetInt32(out var limit) && limit is >= 1 and <= 4096 => limit,
        _ => throw InvalidValue(param, value.GetRawText(), "an integer 1–4096 or 'inf'"),
    };

    public static string ReadVoice(JsonElement output, string param)
    {
        var voice = RequireString(output, "voice", param);
        return Voices.Contains(voice) ? voice : throw InvalidValue(param, voice, string.Join(", ", Voices.Order(StringComparer.Ordinal)));
    }

    public static string CheckLength(string text, int max, string param) =>
        text.Length <= max ? text : throw new ProtocolException("string_above_max_length", $"'{param}' is longer than {max} characters.", param);

    private static SessionSettings ApplyAudio(SessionSettings settings, JsonElement audio)
    {
        if (TryGet(audio, "input", out var input) && input.ValueKind == JsonValueKind.Object)
        {
            if (TryGet(input, "format", out var format))
            {
                CheckPcmFormat(format, "session.audio.input.format");
            }

            if (TryGet(input, "transcription", out var transcription))
            {
                settings = settings with
                {
                    Transcription = transcription.ValueKind == JsonValueKind.Null
                        ? null
                        : new TranscriptionSettings(
                            OptionalString(transcription, "model", "session.audio.input.transcription.model"),
                            OptionalString(transcription, "language", "session.audio.input.transcription.language"),
                            OptionalString(transcription, "prompt", "session.audio.input.transcription.prompt")),
                };
            }

            if (TryGet(input, "noise_reduction", out var noise))
            {
                settings = settings with
                {
                    NoiseReduction = noise.ValueKind == JsonValueKind.Null ? null : OptionalString(noise, "type", "session.audio.input.noise_reduction.type") ?? "near_field",
                };
            }

            if (TryGet(input, "turn_detection", out var turn))
            {
                settings = settings with { TurnDetection = ReadTurnDetection(turn) };
            }
        }

        if (TryGet(audio, "output", out var output) && output.ValueKind == JsonValueKind.Object)
        {
            if (TryGet(output, "format", out var format))
            {
                CheckPcmFormat(format, "session.audio.output.format");
            }

            if (TryGet(output, "voice", out _))
            {
                settings = settings with { Voice = ReadVoice(output, "session.audio.output.voice") };
            }

            if (OptionalNumber(output, "speed", "session.audio.output.speed", 0.25, 1.5) is { } speed)
            {
                settings = settings with { Speed = speed };
            }
        }

        return settings;
    }

    private static TurnDetection? ReadTurnDetection(JsonElement turn)
    {
        if (turn.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        const string at = "session.audio.input.turn_detection";
        var type = OptionalString(turn, "type", $"{at}.type") ?? "server_vad";
        if (type is not ("server_vad" or "semantic_vad"))
        {
            throw InvalidValue($"{at}.type", type, "'server_vad', 'semantic_vad'");
        }

        // semantic_vad has no offline model here: it runs as server_vad with its defaults, and says so by its type.
        var defaults = new TurnDetection { Type = type };
        return defaults with
        {
            Threshold = OptionalNumber(turn, "threshold", $"{at}.threshold", 0, 1) ?? defaults.Threshold,
            PrefixPaddingMs = OptionalInt(turn, "prefix_padding_ms", $"{at}.prefix_padding_ms", 0, 5000) ?? defaults.PrefixPaddingMs,
            SilenceDurationMs = OptionalInt(turn, "silence_duration_ms", $"{at}.silence_duration_ms", 10, 10_000) ?? defaults.SilenceDurationMs,
            IdleTimeoutMs = OptionalInt(turn, "idle_timeout_ms", $"{at}.idle_timeout_ms", 1000, 300_000),
            CreateResponse = OptionalBool(turn, "create_response", $"{at}.create_response") ?? defaults.CreateResponse,
            InterruptResponse = OptionalBool(turn, "interrupt_response", $"{at}.interrupt_response") ?? defaults.InterruptResponse,
        };
    }

    private static void CheckPcmFormat(JsonElement format, string param)
    {
        if (format.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var type = format.ValueKind == JsonValueKind.String ? format.GetString() : OptionalString(format, "type", $"{param}.type");
        if (type is not (null or "audio/pcm" or "pcm16"))
        {
            throw new ProtocolException("unsupported_audio_format", $"Only audio/pcm (PCM16 mono 24 kHz) is supported, not '{type}'.", param);
        }

        if (format.ValueKind == JsonValueKind.Object && OptionalInt(format, "rate", $"{param}.rate", 1, 192_000) is { } rate && rate != Audio.Pcm.SampleRate)
        {
            throw new ProtocolException("unsupported_audio_format", $"Only 24000 Hz is supported, not {rate}.", $"{param}.rate");
        }
    }
}
