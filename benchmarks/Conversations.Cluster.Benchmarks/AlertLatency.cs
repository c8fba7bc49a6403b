using System.Globalization;
using System.Net.WebSockets;
using Npgsql;

namespace Conversations.Cluster.Benchmarks;

/// <summary>
/// Time from a user's transcript entry to its stored alert: conversations say an emergency sentence (several at once,
/// as a busy node would see them) and the stored times are compared — the entry's <c>at</c> (taken just before it is
/// appended) against the alert row's insert time (<c>clock_timestamp()</c>).
/// </summary>
internal static class AlertLatency
{
    private const int Conversations = 60;
    private const int AtOnce = 6;

    public static async Task RunAsync(BenchmarkCluster cluster)
    {
        await using var db = new NpgsqlConnection(cluster.Database);
        await db.OpenAsync();

        // One unmeasured batch first: each silo's first alert pays for JIT and first connections (about 250 ms).
        await Task.WhenAll(Enumerable.Range(0, AtOnce).Select(i => OneAsync(cluster, Conversations + i)));
        await WaitForAlertsAsync(db, AtOnce);
        await using var now = new NpgsqlCommand("SELECT clock_timestamp()", db);
        var since = (DateTime)(await now.ExecuteScalarAsync())!;

        for (var batch = 0; batch < Conversations / AtOnce; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, AtOnce).Select(i => OneAsync(cluster, batch * AtOnce + i)));
        }

        await WaitForAlertsAsync(db, AtOnce + Conversations);
        await using var command = new NpgsqlCommand("""
            SELECT extract(epoch FROM a.created_at - t.at) * 1000
            FROM emergency_alerts a JOIN transcript_entries t ON t.conversation_id = a.conversation_id AND t.seq = a.transcript_seq
            WHERE a.created_at > $1
            """, db);
        command.Parameters.AddWithValue(since);
        var samples = new List<double>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                samples.Add(Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
            }
        }

        samples.Sort();
        Console.WriteLine($"alert-latency: {samples.Count} alerts, {AtOnce} conversations at a time");
        Console.WriteLine($"  transcript entry to stored alert   p50 {Frames.Percentile(samples, 0.5):0.0} ms   p95 {Frames.Percentile(samples, 0.95):0.0} ms   max {samples[^1]:0.0} ms");
    }

    // The client hears conversations.emergency as soon as the level is decided; the alert row may commit just after.
    private static async Task WaitForAlertsAsync(NpgsqlConnection db, int expected)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM emergency_alerts", db);
        for (var waited = 0; Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture) < expected && waited < 300; waited++)
        {
            await Task.Delay(100);
        }
    }

    private static async Task OneAsync(BenchmarkCluster cluster, int index)
    {
        using var socket = await BenchmarkCluster.ConnectAsync(cluster.Urls[index % 2], "model=mental-health", cluster.Token($"bench-alert-{index}"));
        await Frames.ReadUntilAsync(socket, e => Frames.Type(e) == "conversations.started");
        await Frames.SendAsync(socket, """{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"I am going to kill myself tonight, I have the pills ready."}]}}""");
        await Frames.ReadUntilAsync(socket, e => Frames.Type(e) == "conversations.emergency");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
    }
}
