using Conversations.Runtime.Activation;
using Conversations.Runtime.Hosting;
using Conversations.Runtime.Membership;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Conversations.Runtime.Tests;

public sealed class MembershipTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Twenty_parallel_membership_updates_have_exactly_one_winner_per_version_and_losers_retry()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await TestNode.StartAsync(database, "a");
        var table = node.Services.GetRequiredService<MembershipTable>();
        var wins = new System.Collections.Concurrent.ConcurrentBag<long>();
        var attempts = 0;
        using var start = new Barrier(20);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var identity = NodeIdentity.Create($"n{i}", new Uri($"http://127.0.0.1:{6000 + i}"));
            start.SignalAndWait();
            while (true)
            {
                Interlocked.Increment(ref attempts);
                var snapshot = await table.ReadAsync();
                if (await table.TryWriteAsync(identity, NodeStatus.Active, snapshot.Version))
                {
                    wins.Add(snapshot.Version);
                    return;
                }
            }
        })));

        wins.Order().ShouldBe(Enumerable.Range(0, 20).Select(v => (long)v), "each version is won by exactly one writer");
        attempts.ShouldBeGreaterThan(20, "concurrent writers lose and retry");
        var final = await table.ReadAsync();
        final.Version.ShouldBe(20);
        final.Nodes.Count.ShouldBe(20);
    }

    [Fact]
    public async Task A_silent_node_is_declared_dead_its_conversations_are_taken_over_at_once_and_it_stops_serving()
    {
        var database = await postgres.CreateDatabaseAsync();
        var fast = (Action<Dictionary<string, string?>>)(s =>
        {
            s["Runtime:DeathTimeout"] = "00:00:00.500";
            s["Runtime:LeaseDuration"] = "00:01:00";
        });
        await using var survivor = await TestNode.StartAsync(database, "survivor", fast);
        await using var silent = await TestNode.StartAsync(database, "silent", fast);
        await survivor.Membership.JoinAsync(CancellationToken.None);
        await silent.Membership.JoinAsync(CancellationToken.None);
        var before = await silent.Catalog.GetAsync<CounterGrain>("c-1");
        await Should.ThrowAsync<GrainOwnedElsewhereException>(() => survivor.Catalog.GetAsync<CounterGrain>("c-1"));

        await Task.Delay(800, TestContext.Current.CancellationToken); // the silent node misses its heartbeats
        await survivor.Membership.BeatOnceAsync(CancellationToken.None);

        var table = await survivor.Services.GetRequiredService<MembershipTable>().ReadAsync();
        table.Find(silent.Identity.Id)!.Status.ShouldBe(NodeStatus.Dead);
        var after = await survivor.Catalog.GetAsync<CounterGrain>("c-1");
        after.Epoch.ShouldBe(before.Epoch + 1, "a dead node's lease is taken at once, not after it expires (1 min)");

        await silent.Membership.BeatOnceAsync(CancellationToken.None);
        await before.Deactivated.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        silent.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested.ShouldBeTrue("a node declared dead stops serving");
        await Should.ThrowAsync<NodeDrainingException>(() => silent.Catalog.GetAsync<CounterGrain>("c-2"));
    }

    [Fact]
    public async Task A_partitioned_owner_cannot_write_after_its_lease_is_taken()
    {
        var database = await postgres.CreateDatabaseAsync();
        var csb = new NpgsqlConnectionStringBuilder(database);
        using var link = new TcpProxy(csb.Port);
        var throughLink = new NpgsqlConnectionStringBuilder(database) { Port = link.Port, Pooling = false, Timeout = 30, CommandTimeout = 60 }.ConnectionString;
        await using (var setup = new NpgsqlConnection(database))
        {
            await setup.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE fenced_writes (id bigserial PRIMARY KEY, key text, epoch bigint, value text)", setup);
            await command.ExecuteNonQueryAsync();
        }

        await using var owner = await TestNode.StartAsync(throughLink, "owner", s => s["Runtime:LeaseDuration"] = "00:00:01");
        await using var other = await TestNode.StartAsync(database, "other", s => s["Runtime:LeaseDuration"] = "00:00:30");
        var partitioned = await owner.Catalog.GetAsync<CounterGrain>("c-1");
        await partitioned.InvokeAsync(g => g.WriteAsync("before the partition"));

        link.Block();
        var lateWrite = partitioned.InvokeAsync(g => g.WriteAsync("from the partitioned owner"));
        await Task.Delay(1500, TestContext.Current.CancellationToken); // its 1 s lease runs out while it cannot reach the database
        var taker = await other.Catalog.GetAsync<CounterGrain>("c-1");
        await taker.InvokeAsync(g => g.WriteAsync("from the new owner"));
        link.Unblock();

        await Should.ThrowAsync<Leases.StaleActivationException>(() => lateWrite.WaitAsync(TimeSpan.FromSeconds(60)));
        await partitioned.Deactivated.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await using var check = new NpgsqlConnection(database);
        await check.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT value, epoch FROM fenced_writes ORDER BY id", check);
        await using var reader = await read.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        rows.ShouldBe([("before the partition", partitioned.Epoch), ("from the new owner", taker.Epoch)]);
    }
}
