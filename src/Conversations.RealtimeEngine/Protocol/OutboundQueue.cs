using System.Net.WebSockets;
using System.Threading.Channels;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>Server events waiting for one client, sent in order by a single loop.</summary>
/// <remarks>
/// Bounded. When it is full the producer waits (which also stops reading that client's input); if the client has not
/// read for <c>SlowClientTimeout</c>, the session is closed with 1008 instead of buffering without limit.
/// </remarks>
internal sealed class OutboundQueue
{
    private readonly Channel<OutboundFrame> _frames;
    private readonly TimeSpan _slowClientTimeout;
    private readonly CancellationTokenSource _slowClient = new();

    public OutboundQueue(int capacity, TimeSpan slowClientTimeout)
    {
        _frames = Channel.CreateBounded<OutboundFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _slowClientTimeout = slowClientTimeout;
    }

    /// <summary>Cancelled when the client stopped reading for longer than the timeout.</summary>
    public CancellationToken SlowClient => _slowClient.Token;

    /// <summary>Queues a frame; the queue owns it from here, sent or not.</summary>
    public ValueTask SendAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        if (_frames.Writer.TryWrite(frame))
        {
            return ValueTask.CompletedTask;
        }

        return SendSlowAsync(frame, cancellationToken);
    }

    /// <summary>No more frames after this; the send loop drains what is queued and ends.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    /// <summary>Sends queued frames until <see cref="Complete"/> or cancellation; returns the frames it did not send to the pool.</summary>
    public async Task RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    if (socket.State == WebSocketState.Open)
                    {
                        await socket.SendAsync(frame.Memory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                    }
                }
                finally
                {
                    frame.Return();
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The client went away or the session is ending; what is left is returned below.
        }
        finally
        {
            _frames.Writer.TryComplete();
            while (_frames.Reader.TryRead(out var left))
            {
                left.Return();
            }
        }
    }

    private async ValueTask SendSlowAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_slowClientTimeout);
        try
        {
            await _frames.Writer.WriteAsync(frame, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            frame.Return();
            await _slowClient.CancelAsync();
            throw new OperationCanceledException("The client did not read its events in time.", null, _slowClient.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            frame.Return();
            throw new OperationCanceledException("The session is closing.", exception, cancellationToken);
        }
    }
}
