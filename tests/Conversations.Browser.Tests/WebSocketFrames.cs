using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Conversations.Browser.Tests;

/// <summary>The JSON frames a page's WebSockets send and receive, as Chromium saw them (observed, not intercepted).</summary>
public sealed class WebSocketFrames
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Frame> _sent = new();
    private readonly ConcurrentQueue<Frame> _received = new();

    public WebSocketFrames(IPage page)
    {
        page.WebSocket += (_, socket) =>
        {
            socket.FrameSent += (_, frame) => Record(_sent, frame);
            socket.FrameReceived += (_, frame) => Record(_received, frame);
        };
    }

    public IReadOnlyList<Frame> Sent => [.. _sent];

    public IReadOnlyList<Frame> Received => [.. _received];

    /// <summary>The first frame of the type the page sent, waiting for it up to the timeout.</summary>
    public Task<Frame> SentAsync(string type, TimeSpan timeout, Func<JsonElement, bool>? where = null) => FirstAsync(_sent, type, where, timeout, "sent");

    /// <summary>The first frame of the type the page received, waiting for it up to the timeout.</summary>
    public Task<Frame> ReceivedAsync(string type, TimeSpan timeout, Func<JsonElement, bool>? where = null) => FirstAsync(_received, type, where, timeout, "received");

    private async Task<Frame> FirstAsync(ConcurrentQueue<Frame> frames, string type, Func<JsonElement, bool>? where, TimeSpan timeout, string direction)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            if (frames.FirstOrDefault(f => f.Type == type && (where is null || where(f.Json))) is { } frame)
            {
                return frame;
            }

            if (_clock.Elapsed > deadline)
            {
                throw new TimeoutException($"The page {direction} no {type} within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(20);
        }
    }

    private void Record(ConcurrentQueue<Frame> frames, IWebSocketFrame frame)
    {
        if (frame.Text is not { Length: > 0 } text || text[0] != '{')
        {
            return; // binary audio (Playwright fills Binary for text frames too, so the text decides)
        }

        JsonElement json;
        try
        {
            json = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return; // audio whose first byte happens to be '{'
        }

        frames.Enqueue(new Frame(json.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "", json, _clock.Elapsed));
    }

    public sealed record Frame(string Type, JsonElement Json, TimeSpan At);
}
