using System.Buffers;
using System.Net.WebSockets;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Microsoft.Extensions.Logging;

namespace Conversations.Gateway.Realtime;

/// <summary>
/// One WebSocket relayed to its conversation grain, wherever the grain lives: frames go in as awaited grain calls (in
/// order; a busy conversation slows its client down), server events come out of a grain enumeration
/// (<see cref="IConversationGrain.AttachAsync"/> for a client, <see cref="IConversationGrain.SuperviseAsync"/> for a
/// supervisor) and are sent as they arrive, each send bounded in time.
/// </summary>
internal sealed class RealtimeConnection(
    WebSocket socket,
    string conversationId,
    Func<CancellationToken, IAsyncEnumerable<ServerEvent>> events,
    Func<ReadOnlyMemory<byte>, bool, Task> send,
    GatewayOptions settings,
    ILogger logger)
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _sending = new(1, 1);
    private CancellationTokenSource _send = new();
    private CancellationToken _aborted;

    /// <summary>Relays until either side ends; the other is then closed with the matching code. When this silo leaves (<paramref name="drained"/>), the client is told to reconnect.</summary>
    public async Task RunAsync(CancellationToken drained, CancellationToken aborted)
    {
        using var leaving = drained.Register(() => _ = CloseQuietlyAsync(CloseCodes.TryAgain, "node shutting down; reconnect to resume"));
        _aborted = aborted;
        using var sendCancellation = _send = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var attached = await AttachAsync(stop.Token);
        if (attached is null)
        {
            return;
        }

        var receiving = ReceiveFramesAsync(stop.Token);
        var sending = SendEventsAsync(attached, stop.Token);
        if (await Task.WhenAny(receiving, sending) == receiving)
        {
            // The client left (or broke a limit): end the enumeration, which detaches it from the conversation.
            await stop.CancelAsync();
            await sending;
        }
        else
        {
            // The conversation closed the socket (or its silo went away): give the client a moment to answer the close.
            stop.CancelAfter(settings.CloseTimeout);
            await receiving;
        }

        // Finish the closing handshake: answer the client's close, or read (and drop) what it still sends until it answers ours.
        if (socket.State == WebSocketState.CloseReceived)
        {
            await CloseQuietlyAsync((int)WebSocketCloseStatus.NormalClosure, "");
        }
        else if (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            using var wait = new CancellationTokenSource(settings.CloseTimeout);
            await DrainAsync(wait.Token);
        }

        if (socket.State != WebSocketState.Closed)
        {
            socket.Abort();
        }
    }

    /// <summary>
    /// Starts the enumeration and waits for its first event, retrying while the grain's silo is unreachable (declared dead
    /// within about a second, then the conversation activates again elsewhere). Null when the client was told why not.
    /// </summary>
    private async Task<IAsyncEnumerator<ServerEvent>?> AttachAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settings.AttachRetryWindow;
        while (true)
        {
            var stream = events(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                if (await stream.MoveNextAsync())
                {
                    return new FirstThen(stream);
                }

                await stream.DisposeAsync();
                await RefuseAsync(CloseCodes.TryAgain, "server_error", "conversation_busy", "The conversation is moving between nodes; reconnect to resume.");
                return null;
            }
            catch (ConversationNotFoundException)
            {
                await stream.DisposeAsync();
                await RefuseAsync(CloseCodes.UnknownConversation, "invalid_request_error", "conversation_not_found", $"There is no conversation '{conversationId}'.");
                return null;
            }
            catch (ConversationEndedException)
            {
                await stream.DisposeAsync();
                await RefuseAsync(CloseCodes.ConversationEnded, "invalid_request_error", "conversation_ended", "The conversation has ended.");
                return null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await DisposeQuietlyAsync(stream);
                if (DateTime.UtcNow >= deadline)
                {
                    logger.LogWarning(e, "Attaching to {Conversation} failed for {Window}; asking the client to reconnect", conversationId, settings.AttachRetryWindow);
                    await RefuseAsync(CloseCodes.TryAgain, "server_error", "conversation_busy", "The conversation is moving between nodes; reconnect to resume.");
                    return null;
                }

                logger.LogDebug(e, "Attaching to {Conversation} failed; retrying", conversationId);
                await Task.Delay(RetryEvery, cancellationToken);
            }
        }
    }

    private async Task SendEventsAsync(IAsyncEnumerator<ServerEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            while (await events.MoveNextAsync())
            {
                var item = events.Current;
                switch (item.Kind)
                {
                    case ServerEventKind.Close:
                        await CloseAsync((WebSocketCloseStatus)item.CloseCode, item.CloseReason ?? "");
                        return;
                    case ServerEventKind.Audio:
                        await SendAsync(item.Data, WebSocketMessageType.Binary);
                        break;
                    default:
                        await SendAsync(item.Data, WebSocketMessageType.Text);
                        break;
                }
            }

            await CloseAsync((WebSocketCloseStatus)CloseCodes.TryAgain, "conversation moved; reconnect to resume");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left first.
        }
        catch (SlowClientException)
        {
            logger.LogWarning("A client read no event for {Timeout}: closing it", settings.SendTimeout);
            socket.Abort();
        }
        catch (WebSocketException)
        {
            // The client vanished without a close; the conversation stays resumable.
        }
        catch (Exception e)
        {
            // The conversation's silo went away (or the grain failed): the client reconnects and resumes elsewhere.
            logger.LogInformation(e, "The event stream of {Conversation} ended", conversationId);
            await CloseQuietlyAsync(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
        }
        finally
        {
            await DisposeQuietlyAsync(events);
        }
    }

    private async Task ReceiveFramesAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var window = Environment.TickCount64;
        var framesInWindow = 0;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (length >= settings.MaxFrameBytes)
                        {
                            await SendAsync(ServerEvents.InvalidRequest("frame_too_large", $"Frames may be at most {settings.MaxFrameBytes} bytes."), WebSocketMessageType.Text);
                            await CloseAsync((WebSocketCloseStatus)CloseCodes.TooBig, "frame too large");
                            return;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, settings.MaxFrameBytes));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (Environment.TickCount64 - window >= 1000)
                {
                    window = Environment.TickCount64;
                    framesInWindow = 0;
                }

                if (++framesInWindow > settings.MaxFramesPerSecond)
                {
                    if (framesInWindow == settings.MaxFramesPerSecond + 1)
                    {
                        await SendAsync(ServerEvents.InvalidRequest("rate_limited", $"At most {settings.MaxFramesPerSecond} frames a second; frames over it in this second were not processed."), WebSocketMessageType.Text);
                    }

                    continue;
                }

                try
                {
                    await send(buffer.AsMemory(0, length), result.MessageType == WebSocketMessageType.Binary);
                }
                catch (Exception e)
                {
                    // The call may still run later: its buffer is left to the garbage collector, never reused.
                    buffer = [];
                    logger.LogInformation(e, "A frame for {Conversation} could not be delivered", conversationId);
                    await CloseQuietlyAsync(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or SlowClientException)
        {
            // The client vanished (or does not read), or the conversation ended the connection.
        }
        finally
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task RefuseAsync(int closeCode, string type, string code, string message)
    {
        await SendAsync(ServerEvents.Error(type, code, message), WebSocketMessageType.Text);
        await CloseAsync((WebSocketCloseStatus)closeCode, code);
        using var wait = new CancellationTokenSource(settings.CloseTimeout);
        await DrainAsync(wait.Token);
    }

    /// <summary>Sends one message, at most <see cref="GatewayOptions.SendTimeout"/> long, one at a time (no allocation per message).</summary>
    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type)
    {
        await _sending.WaitAsync(_aborted);
        try
        {
            _send.CancelAfter(settings.SendTimeout);
            try
            {
                await socket.SendAsync(data, type, endOfMessage: true, _send.Token);
            }
            catch (OperationCanceledException) when (!_aborted.IsCancellationRequested)
            {
                throw new SlowClientException();
            }

            _send.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        await _sending.WaitAsync(_aborted);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(settings.CloseTimeout);
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task CloseQuietlyAsync(int code, string reason)
    {
        try
        {
            await CloseAsync((WebSocketCloseStatus)code, reason);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            var sink = new byte[1024];
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                if ((await socket.ReceiveAsync(sink.AsMemory(), cancellationToken)).MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }

    private static async Task DisposeQuietlyAsync(IAsyncEnumerator<ServerEvent> events)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception)
        {
            // Its silo is gone; nothing to release there.
        }
    }

    /// <summary>The first event already read, then the rest of the enumeration.</summary>
    private sealed class FirstThen(IAsyncEnumerator<ServerEvent> inner) : IAsyncEnumerator<ServerEvent>
    {
        private bool _first = true;

        public ServerEvent Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (_first)
            {
                _first = false;
                return ValueTask.FromResult(true);
            }

            return inner.MoveNextAsync();
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>A send took longer than the send timeout: the client does not read.</summary>
    private sealed class SlowClientException : Exception;
}
