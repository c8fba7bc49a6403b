using Conversations.Runtime.Activation;
using Conversations.Runtime.Leases;
using Conversations.Testing;
using Npgsql;

namespace Conversations.Runtime.Tests;

public sealed class LeaseTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Two_nodes_racing_to_activate_a_conversation_exactly_one_wins_100_times()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var a = await TestNode.StartAsync(database, "a");
        await using var b = await TestNode.StartAsync(database, "b");

        for (var round = 0; round < 100; round++)
        {
            var key = $"race-{round}";
            using var start = new Barrier(2);
            var attempts = new[] { a, b }.Select(node => Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    return (Node: node, Grain: (GrainReference<CounterGrain>?)await node.Catalog.GetAsync<CounterGrain>(key));
                }
                catch (GrainOwnedElsewhereException)
                {
                    return (Node: node, Grain: null);
                }
            }));
            var results = await Task.WhenAll(attempts);

            var winners = results.Where(r => r.Grain is not null).ToList();
            winners.Count.ShouldBe(1, $"round {round}");
            var owner = await a.Leases.FindOwnerAsync(key);
            owner!.NodeId.ShouldBe(winners[0].Node.Identity.Id);
        }
    }

    [Fact]
    public async Task The_epoch_grows_on_every_acquisition_even_after_release()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await TestNode.StartAsync(database, "a");
        var leases = node.Leases;

        var first = await leases.TryAcquireAsync("k", "n1", TimeSpan.FromSeconds(30));
        await leases.ReleaseAsync(first!.Value);
        var second = await leases.TryAcquireAsync("k", "n2", TimeSpan.FromSeconds(30));
        var third = await leases.TryAcquireAsync("k", "n2", TimeSpan.FromSeconds(30));

        first.Value.Epoch.ShouldBe(1);
        second!.Value.Epoch.ShouldBe(2);
        third!.Value.Epoch.ShouldBe(3);
    }

    [Fact]
    public async Task A_live_lease_of_another_node_is_not_taken()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await TestNode.StartAsync(database, "a");

        (await node.Leases.TryAcquireAsync("k", "n1", TimeSpan.FromSeconds(30))).ShouldNotBeNull();
        (await node.Leases.TryAcquireAsync("k", "n2", TimeSpan.FromSeconds(30))).ShouldBeNull();
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_with_a_higher_epoch()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await TestNode.StartAsync(database, "a");

        var first = await node.Leases.TryAcquireAsync("k", "n1", TimeSpan.FromMilliseconds(1));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        var second = await node.Leases.TryAcquireAsync("k", "n2", TimeSpan.FromSeconds(30));

        second!.Value.Epoch.ShouldBe(first!.Value.Epoch + 1);
    }

    [Fact]
    public async Task A_write_with_a_stale_epoch_is_rejected_and_that_activation_deactivates_itself()
    {
        var database = await postgres.CreateDatabaseAsync();
        await CreateFencedWritesTableAsync(database);
        await using var a = await TestNode.StartAsync(database, "a");
        await using var b = await TestNode.StartAsync(database, "b");
        var stale = await a.Catalog.GetAsync<CounterGrain>("c-1");
        await stale.InvokeAsync(g => g.WriteAsync("from a, while owner"));

        await ExpireLeaseAsync(database, "c-1"); // node a is partitioned: its lease runs out
        var current = await b.Catalog.GetAsync<CounterGrain>("c-1");
        current.Epoch.ShouldBe(stale.Epoch + 1);

        await Should.ThrowAsync<StaleActivationException>(() => stale.InvokeAsync(g => g.WriteAsync("from a, after takeover")));
        await stale.Deactivated.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        a.Catalog.Count.ShouldBe(0);

        await current.InvokeAsync(g => g.WriteAsync("from b"));
        (await ReadValuesAsync(database)).ShouldBe(["from a, while owner", "from b"]);
        (await b.Leases.FindOwnerAsync("c-1"))!.NodeId.ShouldBe(b.Identity.Id, "the stale activation must not release the new owner's lease");
    }

    [Fact]
    public async Task A_takeover_waits_for_a_fenced_write_in_flight_so_the_write_cannot_land_after_it()
    {
        var database = await postgres.CreateDatabaseAsync();
        await CreateFencedWritesTableAsync(database);
        await using var node = await TestNode.StartAsync(database, "a");
        var leases = node.Leases;
        var old = (await leases.TryAcquireAsync("k", "old", TimeSpan.FromMilliseconds(200)))!.Value;
        var insideWrite = new TaskCompletionSource();
        var finishWrite = new TaskCompletionSource();

        var write = leases.WriteFencedAsync(old, async (connection, transaction) =>
        {
            insideWrite.SetResult();
            await finishWrite.Task;
            await using var command = new NpgsqlCommand("INSERT INTO fenced_writes (key, epoch, value) VALUES ('k', $1, 'old')", connection, transaction);
            command.Parameters.AddWithValue(old.Epoch);
            return await command.ExecuteNonQueryAsync();
        });
        await insideWrite.Task;
        await Task.Delay(300, TestContext.Current.CancellationToken); // the old owner's lease runs out mid-write
        var takeover = leases.TryAcquireAsync("k", "new", TimeSpan.FromSeconds(30));

        await Task.Delay(300, TestContext.Current.CancellationToken);
        takeover.IsCompleted.ShouldBeFalse("the takeover must wait for the share lock of the write in flight");
        finishWrite.SetResult();
        await write;
        var fresh = (await takeover)!.Value;

        fresh.Epoch.ShouldBe(old.Epoch + 1);
        await Should.ThrowAsync<StaleActivationException>(() => leases.WriteFencedAsync(old, (_, _) => Task.FromResult(0)));
    }

    [Fact]
    public async Task Renewal_keeps_a_lease_and_a_lost_lease_deactivates_its_activation()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var a = await TestNode.StartAsync(database, "a", s => s["Runtime:LeaseDuration"] = "00:00:01");
        var kept = await a.Catalog.GetAsync<CounterGrain>("kept");
        var lost = await a.Catalog.GetAsync<CounterGrain>("lost");

        await StealLeaseAsync(database, "lost");
        for (var i = 0; i < 4; i++)
        {
            await a.Maintenance.RenewOnceAsync(CancellationToken.None);
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        await lost.Deactivated.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        kept.IsDeactivating.ShouldBeFalse();
        (await a.Leases.FindOwnerAsync("kept"))!.NodeId.ShouldBe(a.Identity.Id, "renewed every 0.5 s, a 1 s lease stays live for 2 s");
        (await a.Leases.FindOwnerAsync("lost"))!.NodeId.ShouldBe("thief");
    }

    [Fact]
    public async Task Node_shutdown_releases_its_leases_for_others_at_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        var a = await TestNode.StartAsync(database, "a");
        await using var b = await TestNode.StartAsync(database, "b");
        var before = await a.Catalog.GetAsync<CounterGrain>("c-1");

        await a.DisposeAsync();

        var after = await b.Catalog.GetAsync<CounterGrain>("c-1");
        after.Epoch.ShouldBe(before.Epoch + 1);
    }

    private static async Task CreateFencedWritesTableAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE fenced_writes (id bigserial PRIMARY KEY, key text, epoch bigint, value text)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadValuesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM fenced_writes ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static Task ExpireLeaseAsync(string database, string key) =>
        ExecuteAsync(database, "UPDATE conversation_leases SET expires_at = now() - interval '1 second' WHERE conversation_id = $1", key);

    private static Task StealLeaseAsync(string database, string key) =>
        ExecuteAsync(database, "UPDATE conversation_leases SET node_id = 'thief', epoch = epoch + 1, expires_at = now() + interval '1 hour' WHERE conversation_id = $1", key);

    private static async Task ExecuteAsync(string database, string sql, string key)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(key);
        await command.ExecuteNonQueryAsync();
    }
}
