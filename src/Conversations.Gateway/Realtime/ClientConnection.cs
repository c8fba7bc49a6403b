using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Conversations.Grains.Conversations;
using Microsoft.Extensions.Logging;

namespace Conversations.Gateway.Realtime;

/// <summary>
/// A client WebSocket as the grain sees it: a bounded send queue drained by one loop. The grain never waits on a slow
/// client; a client that lets the queue fill is closed with 1008 rather than silently losing audio.
/// </summary>
internal sealed class ClientConnection : IClientChannel
{
    private readonly WebSocket _socket;
    private readonly Channel<Outbound> _queue;
    private readonly ILogger _logger;
    private int _closeCode;
    private string _closeReason = "";

    public ClientConnection(WebSocket socket, bool binaryAudio, int capacity, ILogger logger)
    {
        _socket = socket;
        BinaryAudio = binaryAudio;
        _logger = logger;
        _queue = Channel.CreateBounded<Outbound>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public bool BinaryAudio { get; }

    /// <summary>The close code the server chose, once it has.</summary>
    public int? CloseCode => Volatile.Read(ref _closeCode) is var code and > 0 ? code : null;

    public bool SendEvent(BinaryData json) => Enqueue(new Outbound(json, null, 0));

    public bool SendAudio(IMemoryOwner<byte> audio, int length)
    {
        if (Enqueue(new Outbound(null, audio, length)))
        {
            return true;
        }

        audio.Dispose();
        return false;
    }

    public void Close(int closeCode, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeCode, closeCode, 0) == 0)
        {
            _closeReason = reason;
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Sends queued frames in order until the queue completes, then the close frame.</summary>
    public async Task RunSendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (item.Audio is { } audio)
                {
                    using (audio)
                    {
                        await _socket.SendAsync(audio.Memory[..item.Length], WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                    }
                }
                else
                {
                    await _socket.SendAsync(item.Json!.ToMemory(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
            }

            if (CloseCode is int code && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, _closeReason, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug(e, "Client send loop ended");
        }
        finally
        {
            while (_queue.Reader.TryRead(out var left))
            {
                left.Audio?.Dispose();
            }
        }
    }

    private bool Enqueue(Outbound item)
    {
        if (_queue.Writer.TryWrite(item))
        {
            return true;
        }

        if (CloseCode is null)
        {
            _logger.LogWarning("Client send queue is full: closing the slow client");
            Close(1008, "client too slow: send queue full");
        }

        return false;
    }

    private readonly record struct Outbound(BinaryData? Json, IMemoryOwner<byte>? Audio, int Length);
}
