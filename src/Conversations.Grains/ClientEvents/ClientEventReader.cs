using System.Buffers.Text;
using System.Text.Json;
using Conversations.Domain.Characters;

namespace Conversations.Grains.ClientEvents;

/// <summary>
/// Reads and validates one client event (UTF-8 JSON) into a <see cref="ClientEvent"/>, or says exactly why not: wrong
/// or missing fields, wrong JSON types, unknown fields, duplicate keys, invalid UTF-16 escapes, fields the server owns,
/// too-long text. It never throws on what a client sends. Audio appends, the bulk of the traffic, are read in one
/// forward pass without a document.
/// </summary>
public static class ClientEventReader
{
    /// <summary>The deepest nesting a client event may have.</summary>
    public const int MaxDepth = 16;

    /// <summary>The longest text a user message, transcript or tool output may carry (characters).</summary>
    public const int MaxTextLength = 4000;

    private const int MaxIdLength = 64;
    private const int MaxEventIdLength = 128;
    private const int MaxContentParts = 16;

    /// <summary>Metadata keys the server uses for its own responses; a client may not set them.</summary>
    public const string ReservedMetadataPrefix = "conversations_";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    private static readonly string[] ServerOwnedResponseFields = ["instructions", "tools", "tool_choice", "prompt", "voice", "model", "audio", "input", "temperature", "output_audio_format", "tracing"];

    /// <summary>Reads any client event but an audio append (see <see cref="AudioAppendReader"/>).</summary>
    public static bool TryRead(ReadOnlyMemory<byte> utf8, out ClientEvent? clientEvent, out ClientEventError? error)
    {
        try
        {
            return TryReadDocument(utf8, out clientEvent, out error);
        }
        catch (InvalidOperationException)
        {
            // A key with an unpaired surrogate escape: System.Text.Json will not make a string of it.
            clientEvent = null;
            error = new ClientEventError("invalid_value", "The event contains text that is not valid (an unpaired surrogate escape).", null, null);
            return false;
        }
    }

    private static bool TryReadDocument(ReadOnlyMemory<byte> utf8, out ClientEvent? clientEvent, out ClientEventError? error)
    {
        clientEvent = null;
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            error = new ClientEventError("invalid_json", $"The event is not valid JSON (or repeats a key, or nests deeper than {MaxDepth}): {e.Message}", null, null);
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = new ClientEventError("invalid_json", "The event must be a JSON object.", null, null);
                return false;
            }

            var fields = new Fields(root, "", null);
            if (!fields.OptionalString("event_id", MaxEventIdLength, out var eventId))
            {
                error = fields.Error with { EventId = null };
                return false;
            }

            fields = new Fields(root, "", eventId);
            if (!fields.RequiredString("type", 64, out var type))
            {
                error = fields.Error;
                return false;
            }

            clientEvent = type switch
            {
                "input_audio_buffer.commit" or "input_audio_buffer.clear" or "output_audio_buffer.clear" => Bare(fields, eventId, type),
                "response.cancel" => fields.OptionalString("response_id", MaxIdLength, out var responseId) && fields.NoOthers() ? new ResponseCancel(eventId, responseId) : null,
                "response.create" => ReadResponseCreate(fields, root, eventId),
                "conversation.item.create" => ReadItemCreate(fields, root, eventId),
                "conversation.item.truncate" => ReadTruncate(fields, eventId),
                "session.update" => ReadSessionUpdate(fields, root, eventId),
                "input_audio_buffer.append" => fields.Fail("invalid_event", "input_audio_buffer.append is read by the audio path.", "type"),
                _ => fields.Fail("unknown_event", $"Unknown or unsupported client event type '{type}'.", "type"),
            };
            error = clientEvent is null ? fields.Error : null;
            return clientEvent is not null;
        }
    }

    private static BareEvent? Bare(Fields fields, string? eventId, string type) => fields.NoOthers() ? new BareEvent(eventId, type) : null;

    private static ResponseCreate? ReadResponseCreate(Fields fields, JsonElement root, string? eventId)
    {
        if (!root.TryGetProperty("response", out var response))
        {
            return fields.NoOthers() ? new ResponseCreate(eventId, null, null, null, null) : null;
        }

        if (!fields.Object("response", out var options) || !fields.NoOthers())
        {
            return null;
        }

        var owned = ServerOwnedResponseFields.Where(f => response.TryGetProperty(f, out _)).ToList();
        if (owned.Count > 0)
        {
            return fields.Fail<ResponseCreate>("forbidden_response_field", $"A response keeps the character's settings and the conversation's own input; refused: {string.Join(", ", owned)}.", "response." + owned[0]);
        }

        if (!options.OptionalStringArray("output_modalities", ["audio", "text"], out var modalities)
            || !options.OptionalMetadata("metadata", out var metadata)
            || !options.OptionalMaxTokens("max_output_tokens", out var maxTokens)
            || !options.OptionalString("conversation", 16, out var conversation))
        {
            return null;
        }

        if (conversation is not (null or "auto" or "none"))
        {
            return fields.Fail<ResponseCreate>("invalid_value", "response.conversation must be \"auto\" or \"none\".", "response.conversation");
        }

        return options.NoOthers() ? new ResponseCreate(eventId, modalities, metadata, maxTokens, conversation) : null;
    }

    private static ClientEvent? ReadItemCreate(Fields fields, JsonElement root, string? eventId)
    {
        if (!fields.OptionalString("previous_item_id", MaxIdLength, out var previous) || !fields.Object("item", out var item) || !fields.NoOthers())
        {
            return null;
        }

        if (!item.OptionalString("type", 32, out var itemType) || !item.OptionalId("id", out var itemId))
        {
            return null;
        }

        if (string.Equals(itemType, "function_call_output", StringComparison.Ordinal))
        {
            return item.RequiredString("call_id", MaxIdLength, out var callId) && item.RequiredString("output", MaxTextLength, out var output) && item.NoOthers()
                ? new FunctionOutput(eventId, itemId, previous, callId!, output!)
                : null;
        }

        if (itemType is not (null or "message"))
        {
            return item.Fail("forbidden_item", "Clients may add user messages and function_call_output items only.", "item.type");
        }

        if (!item.RequiredString("role", 16, out var role))
        {
            return null;
        }

        if (!string.Equals(role, "user", StringComparison.Ordinal))
        {
            return item.Fail("forbidden_item", "Clients may add user messages and function_call_output items only.", "item.role");
        }

        item.OptionalString("status", 16, out _);
        item.OptionalString("object", 32, out _);
        if (!item.Array("content", out var parts) || !item.NoOthers())
        {
            return null;
        }

        if (parts.Count == 0 || parts.Count > MaxContentParts)
        {
            return item.Fail("invalid_value", $"A user message has 1 to {MaxContentParts} content parts.", "item.content");
        }

        var content = new List<UserContent>(parts.Count);
        var length = 0;
        foreach (var part in parts)
        {
            if (!part.RequiredString("type", 32, out var partType))
            {
                return null;
            }

            switch (partType)
            {
                case "input_text" when part.RequiredString("text", MaxTextLength, out var text) && part.NoOthers():
                    content.Add(new UserContent("input_text", text, null));
                    length += text!.Length;
                    break;
                case "input_audio" when part.RequiredBase64Audio("audio", out var audio) && part.OptionalString("transcript", MaxTextLength, out var transcript) && part.NoOthers():
                    content.Add(new UserContent("input_audio", transcript, audio));
                    length += transcript?.Length ?? 0;
                    break;
                case "input_text" or "input_audio":
                    return null;
                default:
                    return part.Fail("invalid_value", "A user message's content parts are input_text or input_audio.", part.Path + "type");
            }
        }

        return length > MaxTextLength
            ? item.Fail("text_too_long", $"A message may have at most {MaxTextLength} characters.", "item.content")
            : new UserMessage(eventId, itemId, previous, content);
    }

    private static Truncate? ReadTruncate(Fields fields, string? eventId)
    {
        if (!fields.RequiredString("item_id", MaxIdLength, out var itemId)
            || !fields.OptionalInteger("content_index", 0, 64, out var contentIndex)
            || !fields.RequiredInteger("audio_end_ms", 0, 24 * 3600 * 1000L, out var audioEnd)
            || !fields.NoOthers())
        {
            return null;
        }

        return new Truncate(eventId, itemId!, (int)(contentIndex ?? 0), audioEnd);
    }

    private static SessionUpdate? ReadSessionUpdate(Fields fields, JsonElement root, string? eventId)
    {
        if (!fields.Object("session", out _) || !fields.NoOthers())
        {
            return null;
        }

        var decision = SessionUpdatePolicy.Evaluate(root);
        return decision.IsAllowed
            ? new SessionUpdate(eventId, decision.Session)
            : fields.Fail<SessionUpdate>("forbidden_session_field", decision.ErrorMessage, string.Join(',', decision.ForbiddenFields));
    }

    /// <summary>
    /// The fields of one JSON object, read with type checks; each read marks its field as known, and <see cref="NoOthers"/>
    /// refuses any field not read. The first failure is kept in <see cref="Error"/> (shared by nested objects).
    /// </summary>
    private sealed class Fields(JsonElement value, string path, string? eventId, ErrorSlot? slot = null)
    {
        private readonly HashSet<string> _known = ["type", "event_id"];
        private readonly ErrorSlot _slot = slot ?? new ErrorSlot();

        public string Path => path;

        public ClientEventError Error => _slot.Error ?? new ClientEventError("invalid_event", "The event is not valid.", null, eventId);

        public bool OptionalString(string name, int maxLength, out string? result)
        {
            _known.Add(name);
            result = null;
            if (!value.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.String)
            {
                return Failed("invalid_type", $"{path}{name} must be a string.", name);
            }

            try
            {
                result = element.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return Failed("invalid_value", $"{path}{name} is not valid text (an unpaired surrogate escape).", name);
            }

            return result.Length <= maxLength || Failed("invalid_value", $"{path}{name} may have at most {maxLength} characters.", name);
        }

        public bool RequiredString(string name, int maxLength, out string? result) =>
            OptionalString(name, maxLength, out result) && (result is not null || Failed("missing_required_parameter", $"{path}{name} is required.", name));

        public bool OptionalId(string name, out string? result) =>
            OptionalString(name, MaxIdLength, out result)
            && (result is null || (result.Length > 0 && result.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) || Failed("invalid_value", $"{path}{name} may contain only letters, digits, '_' and '-'.", name));

        public bool OptionalInteger(string name, long min, long max, out long? result)
        {
            _known.Add(name);
            result = null;
            if (!value.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var number))
            {
                return Failed("invalid_type", $"{path}{name} must be an integer.", name);
            }

            result = number;
            return (number >= min && number <= max) || Failed("invalid_value", $"{path}{name} must be between {min} and {max}.", name);
        }

        public bool RequiredInteger(string name, long min, long max, out long result)
        {
            var ok = OptionalInteger(name, min, max, out var number) && (number is not null || Failed("missing_required_parameter", $"{path}{name} is required.", name));
            result = number ?? 0;
            return ok;
        }

        public bool Object(string name, out Fields nested)
        {
            _known.Add(name);
            nested = this;
            if (!value.TryGetProperty(name, out var element))
            {
                return Failed("missing_required_parameter", $"{path}{name} is required.", name);
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                return Failed("invalid_type", $"{path}{name} must be an object.", name);
            }

            nested = new Fields(element, $"{path}{name}.", eventId, _slot);
            nested._known.Remove("event_id");
            return true;
        }

        public bool Array(string name, out List<Fields> items)
        {
            _known.Add(name);
            items = [];
            if (!value.TryGetProperty(name, out var element))
            {
                return Failed("missing_required_parameter", $"{path}{name} is required.", name);
            }

            if (element.ValueKind != JsonValueKind.Array)
            {
                return Failed("invalid_type", $"{path}{name} must be an array.", name);
            }

            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return Failed("invalid_type", $"{path}{name}[{index}] must be an object.", $"{name}[{index}]");
                }

                var fields = new Fields(item, $"{path}{name}[{index}].", eventId, _slot);
                fields._known.Remove("event_id");
                items.Add(fields);
                index++;
            }

            return true;
        }

        public bool OptionalStringArray(string name, string[] allowed, out IReadOnlyList<string>? result)
        {
            _known.Add(name);
            result = null;
            if (!value.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() is 0 or > 2
                || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || !allowed.Any(a => e.ValueEquals(a))))
            {
                return Failed("invalid_value", $"{path}{name} must list one or two of: {string.Join(", ", allowed)}.", name);
            }

            result = [.. element.EnumerateArray().Select(e => e.GetString()!)];
            return true;
        }

        public bool OptionalMetadata(string name, out IReadOnlyDictionary<string, string>? result)
        {
            _known.Add(name);
            result = null;
            if (!value.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (element.ValueKind != JsonValueKind.Object)
            {
                return Failed("invalid_type", $"{path}{name} must be an object of strings.", name);
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var nested = new Fields(element, $"{path}{name}.", eventId, _slot);
            foreach (var property in element.EnumerateObject())
            {
                if (metadata.Count >= 16 || property.Name.Length > 64)
                {
                    return Failed("invalid_value", $"{path}{name} may have at most 16 keys of at most 64 characters.", name);
                }

                if (property.Name.StartsWith(ReservedMetadataPrefix, StringComparison.Ordinal))
                {
                    return Failed("forbidden_response_field", $"{path}{name} keys starting with '{ReservedMetadataPrefix}' are the server's.", $"{name}.{property.Name}");
                }

                if (!nested.OptionalString(property.Name, 512, out var text) || text is null)
                {
                    return text is not null || _slot.Error is not null || Failed("invalid_type", $"{path}{name} values must be strings.", name);
                }

                metadata[property.Name] = text;
            }

            result = metadata;
            return true;
        }

        public bool OptionalMaxTokens(string name, out JsonElement? result)
        {
            _known.Add(name);
            result = null;
            if (!value.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            var valid = element.ValueEquals("inf") || (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var tokens) && tokens is >= 1 and <= 4096);
            result = element.Clone();
            return valid || Failed("invalid_value", $"{path}{name} must be an integer from 1 to 4096, or \"inf\".", name);
        }

        public bool RequiredBase64Audio(string name, out string? result)
        {
            if (!RequiredString(name, int.MaxValue, out result))
            {
                return false;
            }

            var bytes = System.Text.Encoding.ASCII.GetBytes(result!);
            return (Base64.IsValid(bytes, out var decoded) && decoded % 2 == 0) || Failed("invalid_audio", $"{path}{name} must be base64 PCM16 (an even number of bytes).", name);
        }

        /// <summary>Refuses any field this object's reads did not name.</summary>
        public bool NoOthers()
        {
            if (_slot.Error is not null)
            {
                return false;
            }

            foreach (var property in value.EnumerateObject())
            {
                if (!_known.Contains(property.Name))
                {
                    return Failed("unknown_parameter", $"Unknown parameter: '{path}{property.Name}'.", property.Name);
                }
            }

            return true;
        }

        public T? Fail<T>(string code, string message, string param)
            where T : class
        {
            _slot.Error ??= new ClientEventError(code, message, param, eventId);
            return null;
        }

        public ClientEvent? Fail(string code, string message, string param) => Fail<ClientEvent>(code, message, param);

        private bool Failed(string code, string message, string name)
        {
            _slot.Error ??= new ClientEventError(code, message, path + name, eventId);
            return false;
        }
    }

    private sealed class ErrorSlot
    {
        public ClientEventError? Error { get; set; }
    }
}
