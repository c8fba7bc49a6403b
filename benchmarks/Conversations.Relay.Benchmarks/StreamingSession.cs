using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;

namespace Conversations.Relay.Benchmarks;

/// <summary>
/// One client streaming 20 ms stamped frames at real-time pace over a WebSocket and timing each frame's echo.
/// Frames and echoes are matched by the stamp in the audio, so a lost, late, doubled or foreign frame is seen.
/// When <see cref="Reconnect"/> is set, a socket that breaks is replaced (frames due meanwhile are not sent, and count as lost).
/// </summary>
internal sealed class StreamingSession(int index, bool binaryAudio)
{
    private static ReadOnlySpan<byte> AppendPrefix => "{\"type\":\"input_audio_buffer.append\",\"audio\":\""u8;
    private static ReadOnlySpan<byte> AudioDeltaType => "\"type\":\"response.output_audio.delta\""u8;
    private static ReadOnlySpan<byte> DeltaField => "\"delta\":\""u8;

    private readonly byte[] _pcm = new byte[FrameStamp.Bytes];
    private readonly byte[] _json = new byte[AppendPrefix.Length + Base64.GetMaxEncodedToUtf8Length(FrameStamp.Bytes) + 2];
    private long[] _sentAt = [];
    private float[] _roundTrip = [];
    private volatile ClientWebSocket? _socket;

    public int Index => index;

    /// <summary>Opens a new socket after the current one broke (failover); null: a broken socket ends the session.</summary>
    public Func<CancellationToken, Task<ClientWebSocket>>? Reconnect { get; set; }

    /// <summary>Echoes of a frame this session never sent, or of another session's frame.</summary>
    public int Foreign { get; private set; }

    /// <summary>Echoes received twice.</summary>
    public int Duplicates { get; private set; }

    /// <summary>Frames sent more than 5 ms after they were due (the load generator falling behind).</summary>
    public int LateSends { get; private set; }

    /// <summary>Sockets that broke and were replaced.</summary>
    public int Reconnects { get; private set; }

    /// <summary>When the first replacement socket was open (Stopwatch timestamp; 0 if none).</summary>
    public long ReconnectedAt { get; private set; }

    /// <summary>Each frame's send time (Stopwatch timestamp; 0 when it was due but could not be sent).</summary>
    public ReadOnlySpan<long> SentAt => _sentAt;

    /// <summary>Each frame's round trip in ms (NaN when its echo never came).</summary>
    public ReadOnlySpan<float> RoundTrips => _roundTrip;

    /// <summary>When frame 0 was due (Stopwatch timestamp); frame k was due 20·k ms later.</summary>
    public long Start { get; private set; }

    public void Attach(ClientWebSocket socket) => _socket = socket;

    /// <summary>
    /// Streams <paramref name="frames"/> frames, frame k due at <paramref name="start"/> + k·20 ms, then waits up to
    /// <paramref name="drain"/> for the last echoes and closes the socket.
    /// </summary>
    public async Task RunAsync(long start, int frames, TimeSpan drain, CancellationToken cancellationToken)
    {
        Start = start;
        _sentAt = new long[frames];
        _roundTrip = new float[frames];
        _roundTrip.AsSpan().Fill(float.NaN);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAllAsync(frames, stop.Token);
        await SendAllAsync(start, frames, stop.Token);
        stop.CancelAfter(drain);
        await receiving;
        await CloseAsync();
    }

    private async Task SendAllAsync(long start, int frames, CancellationToken cancellationToken)
    {
        var period = Stopwatch.Frequency / 50;
        for (var seq = 0; seq < frames && !cancellationToken.IsCancellationRequested; seq++)
        {
            var due = start + seq * period;
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency)), cancellationToken).ConfigureAwait(false);
            }
            else if (-wait > Stopwatch.Frequency / 200)
            {
                LateSends++;
            }

            var socket = _socket;
            if (socket is not { State: WebSocketState.Open })
            {
                continue; // Broken: due but not sent (lost).
            }

            FrameStamp.Write(_pcm, index, seq);
            ReadOnlyMemory<byte> message;
            if (binaryAudio)
            {
                message = _pcm;
            }
            else
            {
                AppendPrefix.CopyTo(_json);
                Base64.EncodeToUtf8(_pcm, _json.AsSpan(AppendPrefix.Length), out _, out var written);
                "\"}"u8.CopyTo(_json.AsSpan(AppendPrefix.Length + written));
                message = _json.AsMemory(0, AppendPrefix.Length + written + 2);
            }

            try
            {
                _sentAt[seq] = Stopwatch.GetTimestamp();
                await socket.SendAsync(message, binaryAudio ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The receiver sees the broken socket and replaces it (or ends); a send under way when it aborts the
                // broken socket ends as cancelled.
            }
        }
    }

    private async Task ReceiveAllAsync(int frames, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var received = 0;
        try
        {
            while (received < frames && !cancellationToken.IsCancellationRequested)
            {
                var socket = _socket!;
                try
                {
                    while (received < frames)
                    {
                        var length = 0;
                        ValueWebSocketReceiveResult result;
                        do
                        {
                            result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                            length += result.Count;
                        }
                        while (!result.EndOfMessage && length < buffer.Length);

                        var now = Stopwatch.GetTimestamp();
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            break;
                        }

                        if (OnMessage(buffer.AsSpan(0, length), result.MessageType == WebSocketMessageType.Binary, now))
                        {
                            received++;
                        }
                    }
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                }

                if (received >= frames || cancellationToken.IsCancellationRequested || Reconnect is null)
                {
                    return;
                }

                await ReplaceAsync(socket, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReplaceAsync(ClientWebSocket broken, CancellationToken cancellationToken)
    {
        _socket = null;
        broken.Abort();
        broken.Dispose();
        while (true)
        {
            try
            {
                var socket = await Reconnect!(cancellationToken).ConfigureAwait(false);
                Reconnects++;
                if (ReconnectedAt == 0)
                {
                    ReconnectedAt = Stopwatch.GetTimestamp();
                }

                _socket = socket;
                return;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Times the echo in one message; true when it was one of this session's frames, the first time.</summary>
    private bool OnMessage(ReadOnlySpan<byte> message, bool binary, long now)
    {
        Span<byte> stamp = stackalloc byte[36];
        scoped ReadOnlySpan<byte> pcm;
        if (binary)
        {
            pcm = message;
        }
        else
        {
            var at = message.IndexOf(AudioDeltaType) >= 0 ? message.IndexOf(DeltaField) : -1;
            if (at < 0 || message.Length < at + DeltaField.Length + 48)
            {
                return false; // Another event (session, response lifecycle, quota).
            }

            if (Base64.DecodeFromUtf8(message.Slice(at + DeltaField.Length, 48), stamp, out _, out var written, isFinalBlock: false) is not (OperationStatus.Done or OperationStatus.NeedMoreData) || written < FrameStamp.StampBytes)
            {
                Foreign++;
                return false;
            }

            pcm = stamp[..written];
        }

        if (!FrameStamp.TryRead(pcm, out var session, out var seq) || session != (index & 0xFFFF) || (uint)seq >= (uint)_sentAt.Length || _sentAt[seq] == 0)
        {
            Foreign++;
            return false;
        }

        if (!float.IsNaN(_roundTrip[seq]))
        {
            Duplicates++;
            return false;
        }

        _roundTrip[seq] = (float)((now - _sentAt[seq]) * 1000.0 / Stopwatch.Frequency);
        return true;
    }

    private async Task CloseAsync()
    {
        if (_socket is not { } socket)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        socket.Abort();
        socket.Dispose();
    }
}
