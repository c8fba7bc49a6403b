using System.Diagnostics;
using Conversations.Testing;
using Conversations.Testing.Processes;
using Npgsql;

namespace Conversations.EndToEnd.Tests;

/// <summary>Killing or freezing a silo process under load: its conversations resume elsewhere, nothing durable is lost or doubled, and the dead or frozen silo writes nothing after.</summary>
[Collection(LoadCollection.Name)]
public sealed class FailoverTests(PostgresServerFixture postgres, EngineFixture engine)
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Conversations__QuotaTickInterval"] = "00:00:01",
        ["Auth__SigningKey"] = TestSilo.SigningKey,
    };

    private static readonly Conversations.Gateway.Auth.AuthOptions Auth = new() { SigningKey = Settings["Auth__SigningKey"] };

    [Fact]
    public async Task Kill_9_of_one_of_three_silos_with_50_live_conversations_loses_and_doubles_nothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync(database, engine.BaseUrl, $"silo-{i}", Settings)));
        using var stop = new CancellationTokenSource();
        var running = new List<Task>();
        try
        {
            var clients = Enumerable.Range(0, 50)
                .Select(i => new ChaosClient(i, Token($"user-{i % 5}"), [.. silos.Select(s => s.BaseUrl)], TimeSpan.FromSeconds(5)))
                .ToList();
            running.AddRange(clients.Select(c => Task.Run(() => c.RunAsync(stop.Token))));
            await Eventually.UntilAsync(() => clients.All(c => c.Transcript.Any(t => t.Role == "assistant")), TimeSpan.FromSeconds(90), "every conversation has had an answer");

            var victim = silos[1];
            var victimNode = clients.SelectMany(c => c.Nodes).First(n => n.StartsWith(victim.Name + "@", StringComparison.Ordinal));
            var affected = clients.Where(c => c.Nodes[^1] == victimNode).ToList();
            var killedAt = Stopwatch.GetTimestamp();
            victim.Kill();
            var deadAt = await DatabaseNowAsync(database);
            await Eventually.UntilAsync(() => affected.All(c => c.AnsweredAgainAt is not null && c.Nodes[^1] != victimNode), TimeSpan.FromSeconds(60), "every affected conversation answers again on a survivor");
            var reattached = affected.Select(c => Stopwatch.GetElapsedTime(killedAt, c.ReattachedAt!.Value).TotalSeconds).Order().ToList();
            var answered = affected.Select(c => Stopwatch.GetElapsedTime(killedAt, c.AnsweredAgainAt!.Value).TotalSeconds).Order().ToList();
            await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(running);

            affected.Count.ShouldBeGreaterThan(5, "the killed silo owned a share of the conversations");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"kill -9 of {victimNode}: {affected.Count} conversations moved; kill to first event on the reconnected client p50 {reattached[reattached.Count / 2]:0.00} s, max {reattached[^1]:0.00} s; to an answer again p50 {answered[answered.Count / 2]:0.00} s, max {answered[^1]:0.00} s");
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
            (await ScalarAsync(db, "SELECT (SELECT coalesce(sum(seconds), 0) FROM time_charges) - (SELECT coalesce(sum(used_seconds), 0) FROM conversations)"))
                .ShouldBe(0m, "and every second is a recorded charge");
            (await ScalarAsync(db, $"SELECT count(*) FROM feed_events WHERE node_id = '{victimNode}' AND at > '{deadAt:O}'::timestamptz")).ShouldBe(0m, "nothing from the dead silo after its death");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_frozen_silo_writes_nothing_after_its_conversation_resumed_on_another()
    {
        var database = await postgres.CreateDatabaseAsync();
        var silos = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => SiloProcess.StartAsync(database, engine.BaseUrl, $"silo-{i}", Settings)));
        var (frozen, survivor) = (silos[0], silos[1]);
        try
        {
            var token = Token("frozen");
            var first = await RawSocket.ConnectAsync(frozen.BaseUrl, "model=nutrition", token, "realtime");
            var started = await first.NextAsync("conversations.started");
            var (id, frozenNode) = (started.GetProperty("conversation_id").GetString()!, started.GetProperty("node_id").GetString()!);
            await first.DisposeAsync();

            // The client talks through the other silo to the activation on the one that will freeze, its clock running there.
            var viaSurvivor = await RawSocket.ConnectAsync(survivor.BaseUrl, $"conversation_id={id}", token, "realtime");
            (await viaSurvivor.NextAsync("conversations.resumed")).GetProperty("node_id").GetString().ShouldBe(frozenNode);
            await ConversationTests.SayAsync(viaSurvivor, "Is rice better than pasta?");
            await viaSurvivor.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

            var frozenAt = Stopwatch.GetTimestamp();
            frozen.Freeze();
            await viaSurvivor.Closed.WaitAsync(TimeSpan.FromSeconds(60));
            ((int?)viaSurvivor.CloseStatus).ShouldBe(1013, "the frozen silo was declared dead: reconnect");
            var declaredDead = Stopwatch.GetElapsedTime(frozenAt);
            await viaSurvivor.DisposeAsync();

            await using var resumed = await RawSocket.ConnectAsync(survivor.BaseUrl, $"conversation_id={id}&resume_from_seq=2", token, "realtime");
            (await resumed.NextAsync("conversations.resumed")).GetProperty("node_id").GetString().ShouldNotBe(frozenNode);
            var takenOverAt = await DatabaseNowAsync(database);
            await ConversationTests.SayAsync(resumed, "And brown rice?");
            await resumed.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

            // The frozen silo wakes with an activation, a running clock and a journal that still believe they own the conversation.
            frozen.Thaw();
            await Eventually.UntilAsync(() => frozen.HasExited, TimeSpan.FromSeconds(30), "the silo that woke up declared dead stops");
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

            await using var db = new NpgsqlConnection(database);
            await db.OpenAsync();
            (await ScalarAsync(db, $"SELECT epoch FROM conversations WHERE id = '{id}'")).ShouldBe(2m, "one claim by the frozen silo's activation, one by the survivor's");
            (await ScalarAsync(db, $"SELECT count(*) FROM feed_events WHERE node_id = '{frozenNode}' AND at > '{takenOverAt:O}'::timestamptz")).ShouldBe(0m, "no event from the frozen silo after the take-over");
            (await ScalarAsync(db, $"SELECT count(*) FROM time_charges WHERE conversation_id = '{id}' AND charge_key LIKE '1:%' AND at > '{takenOverAt:O}'::timestamptz")).ShouldBe(0m, "no charge by the stale activation after the take-over");
            (await TranscriptAsync(db, id)).Keys.Order().ShouldBe([1L, 2, 3, 4]);
            var stale = frozen.Output.Any(line => line.Contains("is stale", StringComparison.Ordinal));
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"frozen silo declared dead and its client sent elsewhere after {declaredDead.TotalSeconds:0.0} s; after waking, its stale activation {(stale ? "tried to write and was refused" : "did not try to write")}");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static string Token(string user) =>
        Conversations.Gateway.Auth.DevelopmentTokens.Create(Auth, user, "premium", ["user"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

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
