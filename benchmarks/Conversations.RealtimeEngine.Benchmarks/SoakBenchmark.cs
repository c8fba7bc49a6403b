using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Conversations.RealtimeEngine.Recognition;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>
/// Opens and closes many sessions (a full typed turn, speech cut off mid-utterance, an abrupt disconnect) against an
/// in-process engine and compares managed heap and resident memory after a warm-up with the end: a leak shows as growth.
/// </summary>
internal static class SoakBenchmark
{
    public static async Task RunAsync(BenchmarkOptions options)
    {
        await using var engine = await RealtimeEngineServer.StartAsync(settings =>
        {
            settings["Engine:Recognition:WarmDecoders"] = "2";
            settings["Engine:Recognition:MaxDecoders"] = "8";
        });
        var decoders = engine.Services.GetRequiredService<PocketSphinxDecoderPool>();
        var speech = SpeechSamples.Pcm24k("i have had a headache since this morning");
        var appends = Enumerable.Range(0, speech.Length / 4800)
            .Select(i => Encoding.UTF8.GetBytes($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(speech, i * 4800, 4800)}}"}"""))
            .ToArray();

        await RunSessionsAsync(engine, appends, 30);
        var rows = new List<string>();
        var warm = Measure();
        rows.Add(Row("30 warm-up sessions", warm, decoders.Loaded));
        var clock = Stopwatch.StartNew();
        var last = warm;
        const int blocks = 3;
        for (var block = 1; block <= blocks; block++)
        {
            await RunSessionsAsync(engine, appends, options.SoakSessions / blocks);
            last = Measure();
            rows.Add(Row($"+ {block * (options.SoakSessions / blocks)} sessions", last, decoders.Loaded));
        }

        Console.WriteLine();
        Console.WriteLine($"Soak: {options.SoakSessions} sessions in {clock.Elapsed.TotalSeconds:0} s, 8 at a time (a third each: full typed turn; speech cut off mid-utterance; abrupt disconnect).");
        Console.WriteLine();
        Console.WriteLine("| after | managed heap | resident set | decoders loaded |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Managed heap growth per session after warm-up: {(last.Heap - warm.Heap) / (double)options.SoakSessions / 1024:0.0} KB."));
    }

    private static string Row(string label, (long Heap, long Resident) at, int decoders) =>
        string.Create(CultureInfo.InvariantCulture, $"| {label} | {at.Heap / 1048576.0:0.0} MB | {at.Resident / 1048576.0:0} MB | {decoders} |");

    private static async Task RunSessionsAsync(RealtimeEngineServer engine, byte[][] appends, int count)
    {
        var models = new[] { "mental-health", "nutrition", "geriatrics", "children", "womens-health", "internal-medicine" };
        using var gate = new SemaphoreSlim(8);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var socket = new ClientWebSocket();
                socket.Options.AddSubProtocol("realtime");
                await socket.ConnectAsync(new Uri(engine.RealtimeUri, $"?model={models[i % models.Length]}"), CancellationToken.None);
                await ReadUntilAsync(socket, "session.created");
                switch (i % 3)
                {
                    case 0:
                        await SendAsync(socket, """{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"I cannot sleep."}]}}""");
                        await SendAsync(socket, """{"type":"response.create"}""");
                        await ReadUntilAsync(socket, "response.done");
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        break;
                    case 1:
                        foreach (var append in appends.Take(appends.Length / 2))
                        {
                            await socket.SendAsync(append, WebSocketMessageType.Text, true, CancellationToken.None);
                        }

                        await ReadUntilAsync(socket, "input_audio_buffer.speech_started");
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                        break;
                    default:
                        socket.Abort();
                        break;
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task ReadUntilAsync(ClientWebSocket socket, string type)
    {
        var marker = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\"");
        var buffer = new byte[256 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
            if (!result.EndOfMessage)
            {
                continue;
            }

            if (buffer.AsSpan(0, length).StartsWith(marker))
            {
                return;
            }

            length = 0;
        }
    }

    private static (long Heap, long Resident) Measure()
    {
        // Let the server finish closing sessions before looking.
        Thread.Sleep(2000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
