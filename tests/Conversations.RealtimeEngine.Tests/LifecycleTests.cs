using System.Net.WebSockets;
using Conversations.RealtimeEngine.Recognition;
using Conversations.RealtimeEngine.Telemetry;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.RealtimeEngine.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Sessions_dropped_mid_utterance_give_their_decoders_back_and_leave_no_session_behind()
    {
        await using var engine = await RealtimeEngineServer.StartAsync(
            settings =>
            {
                settings["Engine:Recognition:MaxDecoders"] = "3";
                settings["Engine:Recognition:WarmDecoders"] = "1";
            },
            TestContext.Current.CancellationToken);
        var decoders = engine.Services.GetRequiredService<PocketSphinxDecoderPool>();
        var metrics = engine.Services.GetRequiredService<EngineMetrics>();
        var speech = SpeechSamples.Pcm24k("i have had a headache since this morning");

        for (var round = 0; round < 4; round++)
        {
            // More sessions than decoders, each leaving while it still holds one: a leak would starve the next round.
            await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
            {
                var session = await RawSession.ConnectAsync(engine, "nutrition");
                for (var offset = 0; offset < speech.Length / 2; offset += 4800)
                {
                    await session.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(speech, offset, 4800)}}"}""");
                }

                await session.WaitForAsync("input_audio_buffer.speech_started");
                if (i % 2 == 0)
                {
                    session.Socket.Abort();
                }

                await session.DisposeAsync();
            }));
        }

        await Eventually.UntilAsync(() => metrics.ActiveSessions == 0, TimeSpan.FromSeconds(10), "every session has ended");
        await Eventually.UntilAsync(() => decoders.Idle == decoders.Loaded, TimeSpan.FromSeconds(10), "every decoder is back in the pool");
        decoders.Loaded.ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_instead_of_buffering_without_limit()
    {
        await using var engine = await RealtimeEngineServer.StartAsync(
            settings =>
            {
                settings["Engine:OutboundQueueCapacity"] = "16";
                settings["Engine:SlowClientTimeout"] = "00:00:01";
                settings["Engine:Recognition:WarmDecoders"] = "0";
            },
            TestContext.Current.CancellationToken);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime");
        await socket.ConnectAsync(new Uri(engine.RealtimeUri, "?model=echo"), TestContext.Current.CancellationToken);
        var chunk = System.Text.Encoding.UTF8.GetBytes($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(new byte[48000])}}"}""");

        // Send a lot of echo audio and read nothing: the socket buffers fill, then the engine's queue, then it gives up.
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 2000 && socket.State == WebSocketState.Open; i++)
                {
                    await socket.SendAsync(chunk, WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
                }
            }
            catch (WebSocketException)
            {
            }
        }, TestContext.Current.CancellationToken);
        var metrics = engine.Services.GetRequiredService<EngineMetrics>();
        await Eventually.UntilAsync(() => metrics.ActiveSessions == 1, TimeSpan.FromSeconds(10), "the session has started");
        await Eventually.UntilAsync(() => metrics.ActiveSessions == 0 && sending.IsCompleted, TimeSpan.FromSeconds(30), "the engine has dropped the slow client");

        var buffer = new byte[1 << 20];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while ((await socket.ReceiveAsync(buffer, deadline.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
        }

        // A client that reads nothing cannot receive a close frame either: the connection is cut (or closed with 1008 if it reads again).
        (socket.State is WebSocketState.Aborted || socket.CloseStatus is WebSocketCloseStatus.PolicyViolation).ShouldBeTrue($"state {socket.State}, close status {socket.CloseStatus}, sending {sending.Status} {sending.Exception}");
    }
}
