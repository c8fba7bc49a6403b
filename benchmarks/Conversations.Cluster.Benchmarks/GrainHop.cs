using System.Diagnostics;
using System.Net.WebSockets;

namespace Conversations.Cluster.Benchmarks;

/// <summary>
/// What reaching a conversation from another silo adds per frame: the same conversation is reached through the silo
/// that hosts its grain and through the other silo (grain calls cross silos), and the round trip of a frame the size
/// of 20 ms of base64 audio (answered by the grain with an <c>error</c> event, so no model work is timed) is compared.
/// </summary>
internal static class GrainHop
{
    private const int Warmup = 300;
    private const int Frames = 3000;

    public static async Task RunAsync(BenchmarkCluster cluster)
    {
        var token = cluster.Token("bench-hop");
        using var owner = await BenchmarkCluster.ConnectAsync(cluster.Urls[0], "model=nutrition", token);
        var started = await Benchmarks.Frames.ReadUntilAsync(owner, e => Benchmarks.Frames.Type(e) == "conversations.started");
        var id = started.GetProperty("conversation_id").GetString()!;
        var direct = await MeasureAsync(owner);
        await owner.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

        using var remote = await BenchmarkCluster.ConnectAsync(cluster.Urls[1], $"conversation_id={id}", token);
        var resumed = await Benchmarks.Frames.ReadUntilAsync(remote, e => Benchmarks.Frames.Type(e) == "conversations.resumed");
        if (resumed.GetProperty("node_id").GetString() != started.GetProperty("node_id").GetString())
        {
            throw new InvalidOperationException("The conversation moved instead of being reached from the other silo.");
        }

        var fromOtherSilo = await MeasureAsync(remote);
        await remote.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

        Console.WriteLine($"grain-hop: {Frames} frames of {Payload.Length} bytes, round trip through the grain");
        Console.WriteLine($"  grain on this silo    p50 {Benchmarks.Frames.Percentile(direct, 0.5):0.000} ms   p95 {Benchmarks.Frames.Percentile(direct, 0.95):0.000} ms");
        Console.WriteLine($"  grain on other silo   p50 {Benchmarks.Frames.Percentile(fromOtherSilo, 0.5):0.000} ms   p95 {Benchmarks.Frames.Percentile(fromOtherSilo, 0.95):0.000} ms");
        Console.WriteLine($"  hop adds              p50 {Benchmarks.Frames.Percentile(fromOtherSilo, 0.5) - Benchmarks.Frames.Percentile(direct, 0.5):0.000} ms   p95 {Benchmarks.Frames.Percentile(fromOtherSilo, 0.95) - Benchmarks.Frames.Percentile(direct, 0.95):0.000} ms");
    }

    // 1,280 characters of base64, the size of a 20 ms PCM16 24 kHz append.
    private static readonly string Payload = "{\"type\":\"bench.ping\",\"event_id\":\"EVENT\",\"audio\":\"" + new string('A', 1280) + "\"}";

    private static async Task<List<double>> MeasureAsync(WebSocket socket)
    {
        var samples = new List<double>(Frames);
        for (var i = 0; i < Warmup + Frames; i++)
        {
            var eventId = "e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var start = Stopwatch.GetTimestamp();
            await Benchmarks.Frames.SendAsync(socket, Payload.Replace("EVENT", eventId, StringComparison.Ordinal));
            await Benchmarks.Frames.ReadUntilAsync(socket, e => Benchmarks.Frames.Type(e) == "error" && e.GetProperty("error").GetProperty("event_id").GetString() == eventId);
            if (i >= Warmup)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        samples.Sort();
        return samples;
    }
}
