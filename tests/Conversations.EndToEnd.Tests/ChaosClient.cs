using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Conversations.EndToEnd.Tests;

/// <summary>
/// A client that behaves like the app: streams microphone audio at real-time pace (binary PCM16), says something now
/// and then, remembers the last transcript seq, and reconnects with resume_from_seq to any node when its socket dies.
/// </summary>
public sealed class ChaosClient(int index, string token, IReadOnlyList<Uri> nodes, TimeSpan turnEvery)
{
    private static readonly byte[] QuietAudio = MakeQuietAudio();
    private readonly HashSet<Uri> _unreachable = [];
    private int _turns;

    public string? ConversationId { get; private set; }

    public long LastSeq { get; private set; }

    /// <summary>Every transcript entry the server told this client about, in arrival order, across connections.</summary>
    public List<(long Seq, string Role, string Text)> Transcript { get; } = [];

    /// <summary>The node that served each attach.</summary>
    public List<string> Nodes { get; } = [];

    public int Drops { get; private set; }

    /// <summary>Stopwatch timestamp of the first assistant audio after the most recent drop, if there was one.</summary>
    public long? AnsweredAgainAt { get; private set; }

    public long? DroppedAt { get; private set; }

    /// <summary>Stopwatch timestamp of the first event on the connection that followed the most recent drop.</summary>
    public long? ReattachedAt { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            var node = nodes[(index + attempt++) % nodes.Count];
            if (_unreachable.Contains(node))
            {
                if (_unreachable.Count >= nodes.Count)
                {
                    // Nothing answered: try them all again after a pause (never spin).
                    _unreachable.Clear();
                    await Task.Delay(200, CancellationToken.None);
                }

                continue;
            }

            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("conversations.pcm16");
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            var query = ConversationId is null ? "model=nutrition" : $"conversation_id={ConversationId}&resume_from_seq={LastSeq}";
            try
            {
                await socket.ConnectAsync(new UriBuilder(node) { Scheme = "ws", Path = "/v1/realtime", Query = query }.Uri, stop);
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                _unreachable.Add(node);
                await Task.Delay(100, CancellationToken.None);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var dropped = await ServeAsync(socket, stop);
            if (dropped)
            {
                Drops++;
                DroppedAt = Stopwatch.GetTimestamp();
                AnsweredAgainAt = null;
                ReattachedAt = null;
                await Task.Delay(100, CancellationToken.None); // An app's first, short reconnect backoff.
            }
        }
    }

    /// <summary>One connection: true when it ended without the client asking (a drop to recover from).</summary>
    private async Task<bool> ServeAsync(ClientWebSocket socket, CancellationToken stop)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var receiving = ReceiveAsync(socket, connection.Token);
        try
        {
            if (ConversationId is not null)
            {
                await SayAsync(socket, connection.Token); // Back after a drop: the user speaks again at once.
            }

            var clock = Stopwatch.StartNew();
            var lastTurn = clock.Elapsed;
            while (!receiving.IsCompleted && !stop.IsCancellationRequested)
            {
                await socket.SendAsync(QuietAudio, WebSocketMessageType.Binary, true, connection.Token);
                if (clock.Elapsed - lastTurn > turnEvery)
                {
                    lastTurn = clock.Elapsed;
                    await SayAsync(socket, connection.Token);
                }

                await Task.WhenAny(receiving, Task.Delay(100, connection.Token));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }

        if (stop.IsCancellationRequested)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // The connection was already gone (the socket reports its disposed stream as a cancellation).
            }

            await connection.CancelAsync();
            return false;
        }

        await connection.CancelAsync();
        return true;
    }

    private async Task SayAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var turn = Interlocked.Increment(ref _turns);
        var item = JsonSerializer.Serialize(new
        {
            type = "conversation.item.create",
            item = new { id = $"turn-{index}-{turn}", type = "message", role = "user", content = new[] { new { type = "input_text", text = $"Question {turn}: what should I eat for dinner?" } } },
        });
        await socket.SendAsync(Encoding.UTF8.GetBytes(item), WebSocketMessageType.Text, true, cancellationToken);
        await socket.SendAsync("""{"type":"response.create"}"""u8.ToArray(), WebSocketMessageType.Text, true, cancellationToken);
    }

    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
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
                    result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                ReattachedAt ??= DroppedAt is null ? null : Stopwatch.GetTimestamp();

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    AnsweredAgainAt ??= DroppedAt is null ? null : Stopwatch.GetTimestamp();
                    continue;
                }

                using var document = JsonDocument.Parse(message.ToArray());
                var root = document.RootElement;
                switch (root.GetProperty("type").GetString())
                {
                    case "conversations.started" or "conversations.resumed":
                        ConversationId = root.GetProperty("conversation_id").GetString();
                        Nodes.Add(root.GetProperty("node_id").GetString()!);
                        break;
                    case "conversations.transcript":
                        var seq = root.GetProperty("seq").GetInt64();
                        Transcript.Add((seq, root.GetProperty("role").GetString()!, root.GetProperty("text").GetString()!));
                        LastSeq = Math.Max(LastSeq, seq);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    private static byte[] MakeQuietAudio()
    {
        // 100 ms of faint noise at 24 kHz: real-time microphone traffic that stays under the VAD threshold.
        var random = new Random(7);
        var audio = new byte[2400 * 2];
        for (var i = 0; i < 2400; i++)
        {
            BitConverter.TryWriteBytes(audio.AsSpan(i * 2), (short)random.Next(-30, 30));
        }

        return audio;
    }
}
