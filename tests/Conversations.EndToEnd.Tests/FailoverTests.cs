using System.Diagnostics;
using Conversations.Testing;
using Npgsql;

namespace Conversations.EndToEnd.Tests;

/// <summary>Killing a node under load: its conversations resume elsewhere, and nothing durable is lost or doubled.</summary>
public sealed class FailoverTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task Kill_9_of_one_of_three_nodes_with_50_live_conversations_loses_and_doubles_nothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string>
        {
            ["Runtime__HeartbeatInterval"] = "00:00:00.500",
            ["Runtime__DeathTimeout"] = "00:00:02",
            ["Conversations__QuotaTickInterval"] = "00:00:01",
            ["Auth__SigningKey"] = "development-only-signing-key-change-me-0123456789",
        };
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync(database, engine.BaseUrl, $"silo-{i}", settings)));
        try
        {
            var auth = new Conversations.Gateway.Auth.AuthOptions { SigningKey = settings["Auth__SigningKey"] };
            var clients = Enumerable.Range(0, 50)
                .Select(i => new ChaosClient(i, Conversations.Gateway.Auth.DevelopmentTokens.Create(auth, $"user-{i % 5}", "premium", ["user"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1)), [.. silos.Select(s => s.BaseUrl)], TimeSpan.FromSeconds(5)))
                .ToList();
            using var stop = new CancellationTokenSource();
            var running = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToList();
            await Eventually.UntilAsync(() => clients.All(c => c.Transcript.Any(t => t.Role == "assistant")), TimeSpan.FromSeconds(60), "every conversation has had an answer");

            var victim = silos[1];
            var victimNode = clients.SelectMany(c => c.Nodes).First(n => n.StartsWith(victim.Name + "@", StringComparison.Ordinal));
            var affected = clients.Where(c => c.Nodes[^1] == victimNode).ToList();
            var killedAt = Stopwatch.GetTimestamp();
            victim.Kill();
            var deadAt = await DatabaseNowAsync(database);
            await Eventually.UntilAsync(() => affected.All(c => c.AnsweredAgainAt is not null && c.Nodes[^1] != victimNode), TimeSpan.FromSeconds(60), "every affected conversation answers again on a survivor");
            var recovery = affected.Select(c => Stopwatch.GetElapsedTime(killedAt, c.AnsweredAgainAt!.Value).TotalSeconds).Order().ToList();
            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(running);

            affected.Count.ShouldBeGreaterThan(5, "the killed node owned a share of the conversations");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"kill -9 of {victimNode}: {affected.Count} conversations moved; kill to answering again p50 {recovery[recovery.Count / 2]:0.00} s, max {recovery[^1]:0.00} s");
            await using var db = new NpgsqlConnection(database);
            await db.OpenAsync();
            foreach (var client in clients)
            {
                client.Transcript.Select(t => t.Seq).ShouldBeUnique($"{client.ConversationId}: each entry reaches the client once");
                var stored = await TranscriptAsync(db, client.ConversationId!);
                foreach (var (seq, role, text) in client.Transcript)
                {
                    stored.ShouldContainKey(seq, $"{client.ConversationId}: entry {seq} was announced, so it is durable");
                    stored[seq].ShouldBe((role, text));
                }
            }

            (await ScalarAsync(db, "SELECT count(*) FROM (SELECT 1 FROM transcript_entries WHERE item_id IS NOT NULL GROUP BY conversation_id, item_id HAVING count(*) > 1) d")).ShouldBe(0m, "no item is stored twice");
            // One statement, one snapshot: detaches may still be charging, but never one side without the other.
            (await ScalarAsync(db, "SELECT (SELECT coalesce(sum(seconds), 0) FROM user_usage) - (SELECT coalesce(sum(used_seconds), 0) FROM conversations)"))
                .ShouldBe(0m, "the ledger equals the conversations' seconds");
            (await ScalarAsync(db, $"SELECT count(*) FROM feed_events WHERE node_id = '{victimNode}' AND at > '{deadAt:O}'::timestamptz")).ShouldBe(0m, "nothing from the dead node after its death");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<Dictionary<long, (string Role, string Text)>> TranscriptAsync(NpgsqlConnection db, string conversationId)
    {
        await using var command = new NpgsqlCommand("SELECT seq, role, text FROM transcript_entries WHERE conversation_id = $1", db);
        command.Parameters.AddWithValue(conversationId);
        var entries = new Dictionary<long, (string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries[reader.GetInt64(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return entries;
    }

    private static async Task<DateTime> DatabaseNowAsync(string database)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT now()", db);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<decimal> ScalarAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToDecimal(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
