using System.Buffers;
using System.Diagnostics;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conversations.Abstractions.Protocol;
using Conversations.Domain.Emergency;
using Conversations.Domain.Transcript;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Conversations;

// Upstream → client: the session with the model, its events, and what the grain keeps of them.
public sealed partial class ConversationGrain
{
    private static readonly string[] ServerSideSessionFields = ["instructions", "tools", "tool_choice", "prompt", "tracing"];
    private readonly OutputAudioLedger _sentAudio = new();
    private readonly HashSet<string> _seededItems = new(StringComparer.Ordinal);
    private UpstreamSession? _upstream;
    private Task<bool>? _connecting;
    private CancellationTokenSource? _upstreamLifetime;
    private ReadOnlyMemory<byte>? _sessionCreated;

    /// <summary>Opens the upstream session if there is none (one attempt at a time): configured with the character, seeded with the transcript.</summary>
    private Task<bool> EnsureUpstreamAsync()
    {
        if (_upstream is not null)
        {
            return Task.FromResult(true);
        }

        return _connecting ??= ConnectUpstreamAsync();
    }

    private async Task<bool> ConnectUpstreamAsync()
    {
        try
        {
            UpstreamSession session;
            try
            {
                session = await connector.ConnectAsync(_character, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Conversation}: upstream connection failed", Id);
                return false;
            }

            _upstream = session;
            _upstreamLifetime = new CancellationTokenSource();
            _ = PumpUpstreamAsync(session, _upstreamLifetime.Token);
            await session.SendAsync(SessionUpdateNow());
            await SeedTranscriptAsync(session);
            return true;
        }
        finally
        {
            _connecting = null;
        }
    }

    /// <summary>Context replay: a new upstream session gets the persisted transcript as conversation items, so the model remembers.</summary>
    private async Task SeedTranscriptAsync(UpstreamSession session)
    {
        var keep = upstreamOptions.Value.ContextReplayEntries;
        if (_lastSeq == 0 || keep == 0)
        {
            return;
        }

        foreach (var entry in await store.ReadTranscriptAsync(_record.Id, Math.Max(0, _lastSeq - keep), keep))
        {
            var itemId = $"seed_{entry.Seq}";
            if (UpstreamEvents.SeedItem(itemId, entry) is { } item)
            {
                _seededItems.Add(itemId);
                await session.SendAsync(item);
            }
        }
    }

    // Runs on the grain's scheduler, between requests: every event is handled before the next is read.
    private async Task PumpUpstreamAsync(UpstreamSession session, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var data in session.ReceiveAsync(cancellationToken))
            {
                if (!ReferenceEquals(session, _upstream))
                {
                    return;
                }

                await OnUpstreamEventAsync(session, data, Stopwatch.GetTimestamp());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogInformation(e, "{Conversation}: upstream session ended", Id);
        }

        await OnUpstreamClosedAsync(session);
    }

    private async Task OnUpstreamEventAsync(UpstreamSession session, BinaryData data, long receivedAt)
    {
        if (!ReferenceEquals(session, _upstream) || !EventHeader.TryRead(data.ToMemory().Span, out var header))
        {
            return;
        }

        if (header.Is("response.output_audio.delta"u8))
        {
            if (_suppressedResponses.Count == 0 || header.ResponseId.IsEmpty || !_suppressedResponses.Contains(header.ResponseIdString!))
            {
                MeasureFirstAudio(header.ResponseId);
                RelayAudioDelta(data, header);
                RelayLatency.Record(receivedAt);
            }

            return;
        }

        if (header.Is("session.created"u8) || header.Is("session.updated"u8))
        {
            var sanitised = WithoutServerSideFields(data);
            if (header.Is("session.created"u8))
            {
                _sessionCreated = sanitised;
            }

            _client?.SendJson(sanitised);
            return;
        }

        if (_seededItems.Count > 0 && header.Type.StartsWith("conversation.item."u8) && IsSeededItem(data))
        {
            return;
        }

        // What to keep of the event is read before any await: the header is a view over the event's bytes.
        var (field, role) = header.Is("conversation.item.input_audio_transcription.completed"u8) ? ("transcript", Speaker.User)
            : header.Is("response.output_audio_transcript.done"u8) ? ("transcript", Speaker.Assistant)
            : header.Is("response.output_text.done"u8) ? ("text", Speaker.Assistant)
            : ((string?)null, Speaker.User);
        var itemId = field is null ? null : header.ItemIdString;
        if (!await TrackResponseAsync(data, header))
        {
            return;
        }

        _client?.SendJson(data.ToMemory());
        if (field is not null)
        {
            PersistFromEvent(data, field, role, itemId);
        }
    }

    private async Task OnUpstreamClosedAsync(UpstreamSession session)
    {
        if (!ReferenceEquals(session, _upstream))
        {
            return;
        }

        await CloseUpstreamAsync();
        if (_client is null)
        {
            return; // The next attach opens a new session.
        }

        // The upstream went away under a live client (engine restart, session cap): reopen with context replay.
        if (await EnsureUpstreamAsync())
        {
            _client?.SendJson(ServerEvents.Attached(resumed: true, Id, _character.Id, MaxDurationSeconds, _durableSeq, silo.Id));
        }
        else if (_client is { } client)
        {
            client.SendJson(ServerEvents.Error("server_error", "upstream_unavailable", "The conversation's model went away; reconnect to resume."));
            client.Close(CloseCodes.TryAgain, "upstream unavailable");
        }
    }

    private async Task CloseUpstreamAsync()
    {
        var session = _upstream;
        _upstream = null;
        _seededItems.Clear();
        if (_upstreamLifetime is not null)
        {
            // Cancelled, not disposed: the pump may still be unwinding with its token.
            await _upstreamLifetime.CancelAsync();
            _upstreamLifetime = null;
        }

        if (session is not null)
        {
            await session.DisposeAsync();
        }
    }

    private void RelayAudioDelta(BinaryData data, EventHeader header)
    {
        var base64 = header.Delta;
        var length = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        if (!header.ItemId.IsEmpty)
        {
            _sentAudio.Add(header.ItemId, length - (base64.EndsWith("=="u8) ? 2 : base64.EndsWith("="u8) ? 1 : 0));
        }

        SendBase64AudioToSupervisors(Abstractions.Conversations.SupervisorAudio.Assistant, "assistant", base64);
        var client = _client;
        if (client is null)
        {
            return;
        }

        if (!client.BinaryAudio || header.HasEscapes)
        {
            client.SendJson(data.ToMemory());
            return;
        }

        // The array goes to the client as it is (within a silo the gateway sends it without a copy).
        var audio = new byte[length];
        if (Base64.DecodeFromUtf8(base64, audio, out _, out var written) != OperationStatus.Done)
        {
            client.SendJson(data.ToMemory());
            return;
        }

        client.SendAudio(audio.AsMemory(0, written));
    }

    private void PersistFromEvent(BinaryData data, string field, Speaker role, string? itemId)
    {
        using var document = JsonDocument.Parse(data);
        if (document.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
        {
            AppendTranscript(role, text.Trim(), itemId);
        }
    }

    private bool IsSeededItem(BinaryData data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        var id = root.TryGetProperty("item", out var item) && item.TryGetProperty("id", out var itemId) ? itemId.GetString()
            : root.TryGetProperty("item_id", out var direct) ? direct.GetString()
            : null;
        return id is not null && _seededItems.Contains(id);
    }

    private static ReadOnlyMemory<byte> WithoutServerSideFields(BinaryData data)
    {
        var node = JsonNode.Parse(data.ToMemory().Span);
        if (node?["session"] is JsonObject session)
        {
            foreach (var field in ServerSideSessionFields)
            {
                session.Remove(field);
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(node);
    }
}
