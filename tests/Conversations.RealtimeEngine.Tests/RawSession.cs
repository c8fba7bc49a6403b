using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Conversations.RealtimeEngine.Tests;

/// <summary>A bare WebSocket client, for what the SDK will not send: malformed JSON, huge frames, unknown events.</summary>
public sealed class RawSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonElement> _events = [];

    public WebSocket Socket => _socket;

    public IReadOnlyList<JsonElement> Events => _events;

    public static async Task<RawSession> ConnectAsync(RealtimeEngineServer server, string model)
    {
        var session = new RawSession();
        session._socket.Options.AddSubProtocol("realtime");
        session._socket.Options.SetRequestHeader("Authorization", "Bearer test-key");
        await session._socket.ConnectAsync(new Uri(server.RealtimeUri, $"?model={Uri.EscapeDataString(model)}"), TestContext.Current.CancellationToken);
        return session;
    }

    public Task SendAsync(string json) => SendAsync(Encoding.UTF8.GetBytes(json));

    public Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text) =>
        _socket.SendAsync(bytes, type, endOfMessage: true, TestContext.Current.CancellationToken);

    /// <summary>Reads events until one of type <paramref name="type"/> (matching <paramref name="match"/>) arrives.</summary>
    public async Task<JsonElement> WaitForAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = _events.FirstOrDefault(e => e.GetProperty("type").GetString() == type && (match?.Invoke(e) ?? true));
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }

            var next = await ReceiveAsync(deadline.Token) ?? throw new InvalidOperationException(
                $"The server closed ({_socket.CloseStatus}) before a {type} event. Seen: {string.Join(", ", _events.Select(e => e.GetProperty("type").GetString()))}");
            _events.Add(next);
        }
    }

    /// <summary>Reads until the server closes; returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        while (await ReceiveAsync(deadline.Token) is { } next)
        {
            _events.Add(next);
        }

        return _socket.CloseStatus;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }

    private async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                }

                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }
}
