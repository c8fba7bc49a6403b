using System.Text.Json;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Protocol;
using static Conversations.RealtimeEngine.Protocol.JsonFields;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>Conversation items the client creates, deletes, retrieves and truncates.</summary>
internal sealed partial class RealtimeSession
{
    private void CreateItem(JsonElement root)
    {
        var element = RequireObject(root, "item", "item");
        var previousId = OptionalString(root, "previous_item_id", "previous_item_id");
        var (item, audio) = ParseItem(element, _services.Options.MaxTextChars);
        string? previous;
        lock (_gate)
        {
            if (_items.Exists(existing => string.Equals(existing.Id, item.Id, StringComparison.Ordinal)))
            {
                throw new ProtocolException("item_already_exists", $"An item with id '{item.Id}' already exists.", "item.id");
            }

            var index = previousId switch
            {
                null => _items.Count,
                "root" => 0,
                _ => _items.FindIndex(existing => string.Equals(existing.Id, previousId, StringComparison.Ordinal)) + 1,
            };
            if (index == 0 && previousId is not (null or "root"))
            {
                throw new ProtocolException("item_not_found", $"Item '{previousId}' does not exist.", "previous_item_id");
            }

            if (index == _items.Count)
            {
                previous = AppendItemLocked(item);
            }
            else
            {
                previous = index == 0 ? null : _items[index - 1].Id;
                _items.Insert(index, item);
                _cachedPrefix = Math.Min(_cachedPrefix, index);
            }
        }

        if (audio is not null)
        {
            // A user audio item without a transcript: recognise it like spoken input.
            var recognition = Model.Recognizer.Start(_settings.Transcription?.Language ?? Model.Options.Language);
            recognition.Write(Pcm.AsSamples(audio));
            var transcript = TranscribeAsync(recognition, item);
            item.PendingTranscript = transcript;
            Track(transcript);
        }

        Emit(ComposeItemEvent(ServerEvents.ConversationItemAdded, item, previous));
        Emit(ComposeItemEvent(ServerEvents.ConversationItemDone, item, previous));
    }

    private void DeleteItem(JsonElement root)
    {
        var id = RequireString(root, "item_id", "item_id");
        lock (_gate)
        {
            var index = _items.FindIndex(existing => string.Equals(existing.Id, id, StringComparison.Ordinal));
            if (index < 0)
            {
                throw new ProtocolException("item_not_found", $"Item '{id}' does not exist.", "item_id");
            }

            _items.RemoveAt(index);
            _cachedPrefix = Math.Min(_cachedPrefix, index);
        }

        var writer = EventComposer.Start(ServerEvents.ConversationItemDeleted, EventIds);
        writer.WriteString("item_id", id);
        Emit(EventComposer.Finish());
    }

    private void RetrieveItem(JsonElement root)
    {
        var id = RequireString(root, "item_id", "item_id");
        var item = FindItem(id);
        var writer = EventComposer.Start(ServerEvents.ConversationItemRetrieved, EventIds);
        writer.WritePropertyName("item");
        lock (_gate)
        {
            item.WriteTo(writer);
        }

        Emit(EventComposer.Finish());
    }

    private void TruncateItem(JsonElement root)
    {
        var id = RequireString(root, "item_id", "item_id");
        var contentIndex = OptionalInt(root, "content_index", "content_index", 0, 0) ?? 0;
        var audioEnd = (long)(OptionalNumber(root, "audio_end_ms", "audio_end_ms", 0, int.MaxValue)
            ?? throw new ProtocolException("missing_required_parameter", "Missing required parameter: 'audio_end_ms'.", "audio_end_ms"));
        var item = FindItem(id);
        long clamped;
        lock (_gate)
        {
            if (item.Role is not "assistant" || item.Content.Count == 0 || item.Content[0].Type is not "output_audio")
            {
                throw new ProtocolException("invalid_value", $"Item '{id}' is not an assistant audio message; only those can be truncated.", "item_id");
            }

            // An audio_end_ms beyond the audio generated is clamped to its end rather than refused.
            clamped = Math.Min(audioEnd, item.SpokenMilliseconds);
            item.TruncateAudio(clamped);
            var index = _items.IndexOf(item);
            if (index >= 0)
            {
                _cachedPrefix = Math.Min(_cachedPrefix, index);
            }
        }

        var writer = EventComposer.Start(ServerEvents.ConversationItemTruncated, EventIds);
        writer.WriteString("item_id", id);
        writer.WriteNumber("content_index", contentIndex);
        writer.WriteNumber("audio_end_ms", clamped);
        Emit(EventComposer.Finish());
    }

    private ConversationItem FindItem(string id)
    {
        lock (_gate)
        {
            return _items.Find(existing => string.Equals(existing.Id, id, StringComparison.Ordinal))
                ?? throw new ProtocolException("item_not_found", $"Item '{id}' does not exist.", "item_id");
        }
    }

    /// <summary>Reads an item as a client sends it; also used for <c>response.input</c>.</summary>
    internal static (ConversationItem Item, byte[]? AudioToTranscribe) ParseItem(JsonElement element, int maxTextChars, string at = "item")
    {
        var type = RequireString(element, "type", $"{at}.type");
        var id = OptionalString(element, "id", $"{at}.id") ?? Ids.New("item");
        if (id.Length > 64)
        {
            throw new ProtocolException("invalid_value", "Item ids may be at most 64 characters.", $"{at}.id");
        }

        switch (type)
        {
            case "message":
                return ParseMessage(element, id, maxTextChars, at);
            case "function_call_output":
                return (new ConversationItem
                {
                    Id = id,
                    Type = type,
                    CallId = RequireString(element, "call_id", $"{at}.call_id"),
                    Output = SessionUpdate.CheckLength(RequireString(element, "output", $"{at}.output"), maxTextChars, $"{at}.output"),
                }, null);
            case "function_call":
                return (new ConversationItem
                {
                    Id = id,
                    Type = type,
                    Name = RequireString(element, "name", $"{at}.name"),
                    CallId = OptionalString(element, "call_id", $"{at}.call_id") ?? Ids.New("call"),
                    Arguments = SessionUpdate.CheckLength(OptionalString(element, "arguments", $"{at}.arguments") ?? "{}", maxTextChars, $"{at}.arguments"),
                }, null);
            default:
                throw InvalidValue($"{at}.type", type, "'message', 'function_call', 'function_call_output'");
        }
    }

    private static (ConversationItem Item, byte[]? AudioToTranscribe) ParseMessage(JsonElement element, string id, int maxTextChars, string at)
    {
        var role = RequireString(element, "role", $"{at}.role");
        if (role is not ("user" or "assistant" or "system"))
        {
            throw InvalidValue($"{at}.role", role, "'user', 'assistant', 'system'");
        }

        if (!TryGet(element, "content", out var content) || content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
        {
            throw new ProtocolException("missing_required_parameter", $"Missing required parameter: '{at}.content'.", $"{at}.content");
        }

        var item = new ConversationItem { Id = id, Type = "message", Role = role };
        byte[]? audio = null;
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partAt = $"{at}.content[{index++}]";
            var partType = RequireString(part, "type", $"{partAt}.type");
            switch (role, partType)
            {
                case ("user" or "system", "input_text"):
                case ("assistant", "output_text" or "text"):
                    item.Content.Add(new ItemContent
                    {
                        Type = role is "assistant" ? "output_text" : "input_text",
                        Text = SessionUpdate.CheckLength(RequireString(part, "text", $"{partAt}.text"), maxTextChars, $"{partAt}.text"),
                    });
                    break;
                case ("user", "input_audio"):
                    var transcript = OptionalString(part, "transcript", $"{partAt}.transcript");
                    var base64 = OptionalString(part, "audio", $"{partAt}.audio");
                    byte[]? bytes = null;
                    if (base64 is not null && !TryDecode(base64, out bytes))
                    {
                        throw new ProtocolException("invalid_audio", $"'{partAt}.audio' is not valid base64 PCM16.", $"{partAt}.audio");
                    }

                    item.AudioSeconds = bytes is null ? 0 : (double)bytes.Length / Pcm.BytesPerSample / Pcm.SampleRate;
                    item.Content.Add(new ItemContent { Type = "input_audio", Transcript = transcript });
                    audio = transcript is null ? bytes : null;
                    break;
                case ("assistant", "output_audio"):
                    item.Content.Add(new ItemContent { Type = "output_audio", Transcript = OptionalString(part, "transcript", $"{partAt}.transcript") ?? string.Empty });
                    break;
                default:
                    throw InvalidValue($"{partAt}.type", partType, role is "assistant" ? "'output_text', 'output_audio'" : "'input_text', 'input_audio'");
            }
        }

        return (item, audio);
    }

    private static bool TryDecode(string base64, out byte[]? bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(base64);
            return bytes.Length % Pcm.BytesPerSample == 0;
        }
        catch (FormatException)
        {
            bytes = null;
            return false;
        }
    }
}
