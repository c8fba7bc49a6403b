using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using OpenAI.Realtime;

namespace Conversations.Grains.Upstream;

/// <summary>
/// One realtime session upstream (OpenAI or the engine). The OpenAI SDK's <see cref="RealtimeSessionClient"/> opens it
/// (endpoint, key, handshake); events then go out and come in on its WebSocket as the raw JSON the wire carries, so
/// relaying them costs no re-serialisation. The SDK's own send and receive are not used on this path: they copy every
/// event two or three times (a profile of the relay benchmark showed them as most of the bytes a frame allocates).
/// </summary>
public sealed class UpstreamSession(RealtimeSessionClient client, string model, Uri endpoint) : IAsyncDisposable
{
    private const int ReceiveBufferBytes = 16 * 1024;

    // One send at a time: a frame's send and the pump's (a session update, a cancel) may overlap across awaits.
    private readonly SemaphoreSlim _sending = new(1, 1);

    public string Model { get; } = model;

    public Uri Endpoint { get; } = endpoint;

    /// <summary>Sends one client event (UTF-8 JSON) upstream; the caller may reuse <paramref name="json"/> once this completes.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> json)
    {
        var socket = client.WebSocket ?? throw new InvalidOperationException("The upstream session is not connected.");
        await _sending.WaitAsync();
        try
        {
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The server events as they arrive (each its own array, kept by whoever relays it), until the session closes.</summary>
    public async IAsyncEnumerable<BinaryData> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var socket = client.WebSocket ?? throw new InvalidOperationException("The upstream session is not connected.");
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    yield break;
                }

                yield return new BinaryData(buffer.AsSpan(0, length).ToArray());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
