using System.Buffers;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Domain.Transcript;
using Conversations.Grains.ClientEvents;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Conversations;

// Client → upstream: every event is validated and forwarded in the grain's own serialisation (never the client's
// bytes); what a user writes or claims to have said is screened and stored before it reaches the model.
public sealed partial class ConversationGrain
{
    private readonly ArrayBufferWriter<byte> _upstreamBuffer = new(4096);
    private long _lastFrameFailureLog;

    public async Task SendAsync(ClientFrame frame)
    {
        var client = _client;
        if (client is null || client.Id != frame.ConnectionId)
        {
            return; // A replaced or detached connection's last frames.
        }

        try
        {
            if (frame.IsBinary)
            {
                await ForwardBinaryAudioAsync(client, frame);
            }
            else
            {
                await HandleClientEventAsync(client, frame);
            }
        }
        catch (Exception e) when (e is not Orleans.Storage.InconsistentStateException)
        {
            // A bug must not cost the connection; it is logged (at most once a second) and the client is told.
            if (Environment.TickCount64 - _lastFrameFailureLog > 1000)
            {
                _lastFrameFailureLog = Environment.TickCount64;
                logger.LogWarning(e, "{Conversation}: a client event could not be handled", Id);
            }

            client.SendJson(ServerEvents.Error("server_error", "event_failed", "The server could not handle this event; the conversation goes on."));
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
            SendAudioToSupervisors(SupervisorAudio.User, "user", frame.Data.Span);
            var length = UpstreamEvents.WriteAppendAudio(frame.Data.Span, buffer);
            await SendAppendUpstreamAsync(client, buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleClientEventAsync(ClientConnection client, ClientFrame frame)
    {
        // The bulk of the traffic first, read without a document.
        _upstreamBuffer.ResetWrittenCount();
        switch (AudioAppendReader.TryRead(frame.Data.Span, _upstreamBuffer, out var appendError))
        {
            case AudioAppendOutcome.Valid:
                if (_supervisors.Count > 0)
                {
                    var written = _upstreamBuffer.WrittenSpan;
                    var audio = written[(written.LastIndexOf("\"audio\":\""u8) + 9)..^2];
                    SendBase64AudioToSupervisors(SupervisorAudio.User, "user", audio);
                }

                await SendAppendUpstreamAsync(client, _upstreamBuffer.WrittenMemory);
                return;
            case AudioAppendOutcome.Invalid:
                Refuse(client, appendError!);
                return;
        }

        if (!ClientEventReader.TryRead(frame.Data, out var clientEvent, out var error))
        {
            Refuse(client, error!);
            return;
        }

        switch (clientEvent)
        {
            case BareEvent or ResponseCancel or SessionUpdate:
                await SendUpstreamAsync(client, UpstreamEvents.Write(clientEvent!), clientEvent!.EventId);
                break;
            case ResponseCreate create:
                await CreateResponseAsync(client, create);
                break;
            case UserMessage message:
                await AddUserMessageAsync(client, message);
                break;
            case FunctionOutput output:
                await AddFunctionOutputAsync(client, output);
                break;
            case Truncate truncate:
                // Clamp to the audio really sent to this client: the model is told the user heard no more than that.
                var sent = _sentAudio.SentMilliseconds(truncate.ItemId);
                var clamped = truncate with { AudioEndMs = sent is long heard ? Math.Min(truncate.AudioEndMs, heard) : truncate.AudioEndMs };
                await SendUpstreamAsync(client, UpstreamEvents.Write(clamped), truncate.EventId);
                break;
        }
    }

    private async Task CreateResponseAsync(ClientConnection client, ResponseCreate create)
    {
        if (_lead is not null)
        {
            client.SendJson(ServerEvents.InvalidRequest("taken_over", "A human counsellor is leading the conversation; the AI answers again when they hand it back.", create.EventId));
            return;
        }

        if (_pendingSafetyText is not null)
        {
            // The answer to an utterance that raised level 3 is the safety message.
            await SayPendingSafetyMessageAsync();
            return;
        }

        await SendUpstreamAsync(client, UpstreamEvents.Write(create), create.EventId);
    }

    /// <summary>Stores what the user wrote (screened first), then gives the model the message as the grain writes it.</summary>
    private async Task AddUserMessageAsync(ClientConnection client, UserMessage message)
    {
        var upstream = UpstreamEvents.Write(message);
        if (upstream.Length > UpstreamEvents.MaxEventLength)
        {
            // Audio in a message cannot be split like an append; refused before anything is stored.
            client.SendJson(ServerEvents.InvalidRequest("message_too_large", $"A message may carry at most {UpstreamEvents.MaxEventLength} bytes; send long audio with input_audio_buffer.append.", message.EventId));
            return;
        }

        var text = message.Text;
        if (text.Length > 0)
        {
            AppendTranscript(Speaker.User, text, message.ItemId);
        }

        await SendUpstreamAsync(client, upstream, message.EventId);
    }

    /// <summary>A tool's output reaches the model too: it is screened and stored like the user's words.</summary>
    private async Task AddFunctionOutputAsync(ClientConnection client, FunctionOutput output)
    {
        if (!string.IsNullOrWhiteSpace(output.Output))
        {
            AppendTranscript(Speaker.Tool, output.Output.Trim(), output.ItemId);
        }

        await SendUpstreamAsync(client, UpstreamEvents.Write(output), output.EventId);
    }

    private static void Refuse(ClientConnection client, ClientEventError error) =>
        client.SendJson(ServerEvents.InvalidRequest(error.Code, error.Message, error.EventId, error.Param));

    // A client may append up to Gateway:MaxFrameBytes (4 MiB) at once, the upstream takes less per event: a long append
    // goes up in pieces of whole samples, each with the client's event_id, instead of costing the upstream session.
    private async Task SendAppendUpstreamAsync(ClientConnection client, ReadOnlyMemory<byte> append)
    {
        if (append.Length <= UpstreamEvents.MaxAppendBase64Length)
        {
            await SendUpstreamAsync(client, append, eventId: null);
            return;
        }

        var audioStart = append.Span.LastIndexOf("\"audio\":\""u8) + 9;
        var (header, audio) = (append[..audioStart], append[audioStart..^2]);
        var piece = ArrayPool<byte>.Shared.Rent(header.Length + UpstreamEvents.MaxAppendBase64Length + 2);
        try
        {
            for (var offset = 0; offset < audio.Length; offset += UpstreamEvents.MaxAppendBase64Length)
            {
                var chunk = audio.Slice(offset, Math.Min(UpstreamEvents.MaxAppendBase64Length, audio.Length - offset));
                header.Span.CopyTo(piece);
                chunk.Span.CopyTo(piece.AsSpan(header.Length));
                "\"}"u8.CopyTo(piece.AsSpan(header.Length + chunk.Length));
                if (!await SendUpstreamAsync(client, piece.AsMemory(0, header.Length + chunk.Length + 2), eventId: null))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }

    private async Task<bool> SendUpstreamAsync(ClientConnection client, ReadOnlyMemory<byte> json, string? eventId)
    {
        var upstream = _upstream;
        if (upstream is null && _client is not null && await EnsureUpstreamAsync())
        {
            upstream = _upstream; // A frame that came while the session was opening waits for it.
        }

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
}
