using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Conversations.EndToEnd.Tests;

/// <summary>A plain WebSocket client for what an SDK will not send: broken JSON, huge frames, binary audio, exact close codes.</summary>
public sealed class RawSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HashSet<int> _returned = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private bool _closed;
    private readonly Task _receiving;

    private RawSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    public List<JsonElement> Received { get; } = [];

    public int BinaryBytesReceived { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? SubProtocol => _socket.SubProtocol;

    public Task Closed => _receiving;

    public static Task<RawSocket> ConnectAsync(Uri baseUrl, string query, string? token, params string[] subprotocols) =>
        ConnectToAsync(baseUrl, "/v1/realtime", query, token, subprotocols);

    /// <summary>A socket to another WebSocket endpoint of the silo (the supervisors' <c>/v1/supervise</c>).</summary>
    public static async Task<RawSocket> ConnectToAsync(Uri baseUrl, string path, string query, string? token, params string[] subprotocols)
    {
        var socket = new ClientWebSocket();
        foreach (var protocol in subprotocols)
        {
            socket.Options.AddSubProtocol(protocol);
        }

        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        }

        var uri = new UriBuilder(baseUrl) { Scheme = "ws", Path = path, Query = query }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new RawSocket(socket);
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendJsonAsync(object value) =>
        SendTextAsync(JsonSerializer.Serialize(value));

    public Task SendBinaryAsync(ReadOnlyMemory<byte> data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None).AsTask();

    /// <summary>
    /// Waits for the first event of <paramref name="type"/> (matching the predicate) that no earlier call returned,
    /// looking at everything received so far, so the order of waits need not follow the order of arrival.
    /// </summary>
    /// <remarks><paramref name="type"/> may list alternatives separated by '|'.</remarks>
    public async Task<JsonElement> NextAsync(string type, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null)
    {
        var types = type.Split('|');
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            lock (Received)
            {
                for (var i = 0; i < Received.Count; i++)
                {
                    var candidate = Received[i];
                    if (!_returned.Contains(i) && types.Contains(candidate.GetProperty("type").GetString()) && (where is null || where(candidate)))
                    {
                        _returned.Add(i);
                        return candidate;
                    }
                }

                if (_closed)
                {
                    throw new InvalidOperationException($"The socket closed ({CloseStatus}) before a '{type}' event; received: {Seen()}");
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                lock (Received)
                {
                    throw new TimeoutException($"No '{type}' event arrived; received: {Seen()}");
                }
            }
        }
    }

    private string Seen() => string.Join(", ", Received.Select(e => e.GetProperty("type").GetString() is "error" ? "error: " + e.GetProperty("error").GetRawText() : e.GetProperty("type").GetString()));

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        await _receiving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Drops the connection without a closing handshake, as a phone losing signal does.</summary>
    public void Drop() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    BinaryBytesReceived += (int)message.Length;
                    continue;
                }

                var element = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                lock (Received)
                {
                    Received.Add(element);
                }

                _arrived.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (Received)
            {
                _closed = true;
            }

            _arrived.Release();
        }
    }
}
