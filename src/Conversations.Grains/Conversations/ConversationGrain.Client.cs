using System.Buffers;
using System.Text.Json;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Domain.Characters;
using Conversations.Domain.Transcript;
using Conversations.Grains.Upstream;

namespace Conversations.Grains.Conversations;

// Client → upstream: what a client may send, screened, persisted where it is said, forwarded.
public sealed partial class ConversationGrain
{
    /// <summary>The longest typed message a client may send.</summary>
    public const int MaxTextLength = 4000;

    private static readonly string[] ServerOwnedResponseFields = ["instructions", "tools", "tool_choice", "prompt", "voice", "model"];

    public async Task SendAsync(ClientFrame frame)
    {
        var client = _client;
        if (client is null || client.Id != frame.ConnectionId)
        {
            return; // A replaced or detached connection's last frames.
        }

        if (frame.IsBinary)
        {
            await ForwardBinaryAudioAsync(client, frame);
        }
        else
        {
            await HandleClientEventAsync(client, frame);
        }
    }

    private async Task ForwardBinaryAudioAsync(ClientConnection client, ClientFrame frame)
    {
        if (!client.BinaryAudio)
        {
            client.SendJson(ServerEvents.InvalidRequest("binary_not_negotiated", "Binary audio frames need the conversations.pcm16 subprotocol."));
            return;
        }

        if (frame.Data.Length % 2 != 0)
        {
            client.SendJson(ServerEvents.InvalidRequest("invalid_audio", "PCM16 audio must have an even number of bytes."));
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(UpstreamEvents.MaxAppendAudioLength(frame.Data.Length));
        try
        {
            var length = UpstreamEvents.WriteAppendAudio(frame.Data.Span, buffer);
            await SendUpstreamAsync(client, new BinaryData(buffer.AsMemory(0, length)), eventId: null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleClientEventAsync(ClientConnection client, ClientFrame frame)
    {
        if (!EventHeader.TryRead(frame.Data.Span, out var header))
        {
            client.SendJson(ServerEvents.InvalidRequest("invalid_json", $"The event is not a JSON object (or nests deeper than {EventHeader.MaxDepth})."));
            return;
        }

        if (header.Type.IsEmpty)
        {
            client.SendJson(ServerEvents.InvalidRequest("missing_type", "The event has no type.", header.EventIdString));
            return;
        }

        // The frame's buffer lives until this call returns, and every send below completes within it.
        var raw = new BinaryData(frame.Data);
        if (header.Is("input_audio_buffer.append"u8) || header.Is("input_audio_buffer.commit"u8) || header.Is("input_audio_buffer.clear"u8)
            || header.Is("response.cancel"u8) || header.Is("output_audio_buffer.clear"u8))
        {
            await SendUpstreamAsync(client, raw, header.EventIdString);
        }
        else if (header.Is("response.create"u8))
        {
            await ForwardResponseCreateAsync(client, frame, raw, header.EventIdString);
        }
        else if (header.Is("conversation.item.create"u8))
        {
            await ForwardItemCreateAsync(client, frame, raw, header.EventIdString);
        }
        else if (header.Is("conversation.item.truncate"u8))
        {
            await ForwardTruncateAsync(client, frame, header.EventIdString);
        }
        else if (header.Is("session.update"u8))
        {
            var decision = SessionUpdatePolicy.Evaluate(frame.Data.Span);
            if (!decision.IsAllowed)
            {
                client.SendJson(ServerEvents.InvalidRequest("forbidden_session_field", decision.ErrorMessage, header.EventIdString, string.Join(',', decision.ForbiddenFields)));
                return;
            }

            await SendUpstreamAsync(client, new BinaryData(ServerEvents.Write(w =>
            {
                w.WriteString("type"u8, "session.update"u8);
                if (decision.EventId is not null)
                {
                    w.WriteString("event_id"u8, decision.EventId);
                }

                w.WritePropertyName("session"u8);
                decision.Session.WriteTo(w);
            })), header.EventIdString);
        }
        else
        {
            var type = System.Text.Encoding.UTF8.GetString(header.Type);
            client.SendJson(ServerEvents.InvalidRequest("unknown_event", $"Unknown or unsupported client event type '{type}'.", header.EventIdString, "type"));
        }
    }

    private async Task ForwardResponseCreateAsync(ClientConnection client, ClientFrame frame, BinaryData raw, string? eventId)
    {
        if (_pendingSafetyText is not null)
        {
            // The answer to an utterance that raised level 3 is the safety message.
            await SayPendingSafetyMessageAsync();
            return;
        }

        using var document = JsonDocument.Parse(frame.Data);
        if (document.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            var owned = ServerOwnedResponseFields.Where(f => response.TryGetProperty(f, out _)).ToList();
            if (owned.Count > 0)
            {
                client.SendJson(ServerEvents.InvalidRequest("forbidden_response_field", $"A response keeps the character's settings; refused: {string.Join(", ", owned)}.", eventId, string.Join(',', owned)));
                return;
            }
        }

        await SendUpstreamAsync(client, raw, eventId);
    }

    private async Task ForwardItemCreateAsync(ClientConnection client, ClientFrame frame, BinaryData raw, string? eventId)
    {
        using var document = JsonDocument.Parse(frame.Data);
        if (!document.RootElement.TryGetProperty("item", out var item) || item.ValueKind != JsonValueKind.Object)
        {
            client.SendJson(ServerEvents.InvalidRequest("missing_item", "conversation.item.create needs an item.", eventId, "item"));
            return;
        }

        var itemType = item.TryGetProperty("type", out var t) ? t.GetString() : "message";
        if (string.Equals(itemType, "function_call_output", StringComparison.Ordinal))
        {
            await SendUpstreamAsync(client, raw, eventId);
            return;
        }

        var role = item.TryGetProperty("role", out var r) ? r.GetString() : null;
        if (!string.Equals(itemType, "message", StringComparison.Ordinal) || !string.Equals(role, "user", StringComparison.Ordinal))
        {
            client.SendJson(ServerEvents.InvalidRequest("forbidden_item", "Clients may add user messages and function_call_output items only.", eventId, "item.role"));
            return;
        }

        var text = UserText(item);
        if (text.Length > MaxTextLength)
        {
            client.SendJson(ServerEvents.InvalidRequest("text_too_long", $"A message may have at most {MaxTextLength} characters.", eventId, "item.content"));
            return;
        }

        if (!await SendUpstreamAsync(client, raw, eventId))
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(text))
        {
            var itemId = item.TryGetProperty("id", out var id) ? id.GetString() : null;
            AppendTranscript(Speaker.User, text.Trim(), itemId);
        }
    }

    private async Task ForwardTruncateAsync(ClientConnection client, ClientFrame frame, string? eventId)
    {
        using var document = JsonDocument.Parse(frame.Data);
        var root = document.RootElement;
        if (!root.TryGetProperty("item_id", out var itemId) || itemId.GetString() is not { } id
            || !root.TryGetProperty("audio_end_ms", out var end) || !end.TryGetInt64(out var endMs) || endMs < 0)
        {
            client.SendJson(ServerEvents.InvalidRequest("invalid_truncate", "conversation.item.truncate needs item_id and a non-negative audio_end_ms.", eventId));
            return;
        }

        // Clamp to the audio really sent to this client: the model is told the user heard no more than that.
        var clamped = _sentAudio.SentMilliseconds(id) is long sent ? Math.Min(endMs, sent) : endMs;
        await SendUpstreamAsync(client, new BinaryData(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversation.item.truncate"u8);
            if (eventId is not null)
            {
                w.WriteString("event_id"u8, eventId);
            }

            w.WriteString("item_id"u8, id);
            w.WriteNumber("content_index"u8, root.TryGetProperty("content_index", out var ci) && ci.TryGetInt32(out var index) ? index : 0);
            w.WriteNumber("audio_end_ms"u8, clamped);
        })), eventId);
    }

    private async Task<bool> SendUpstreamAsync(ClientConnection client, BinaryData json, string? eventId)
    {
        var upstream = _upstream;
        if (upstream is null)
        {
            client.SendJson(ServerEvents.Error("server_error", "upstream_unavailable", "The conversation's model is not connected; reconnect to resume.", eventId));
            return false;
        }

        try
        {
            await upstream.SendAsync(json);
            return true;
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The pump sees the closed socket too and reopens the session; this event is reported, not silently dropped.
            client.SendJson(ServerEvents.Error("server_error", "upstream_unavailable", "The model connection dropped; the event was not delivered.", eventId));
            return false;
        }
    }

    private static string UserText(JsonElement item)
    {
        if (!item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var parts = content.EnumerateArray()
            .Where(p => p.TryGetProperty("type", out var type) && type.ValueEquals("input_text"u8) && p.TryGetProperty("text", out _))
            .Select(p => p.GetProperty("text").GetString());
        return string.Join(' ', parts);
    }
}
