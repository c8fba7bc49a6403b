using Conversations.Runtime.Activation;
using Conversations.Testing;

namespace Conversations.Runtime.Tests;

public sealed class ActivationTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Turns_never_overlap_even_when_calls_arrive_in_parallel()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var grain = await node.Catalog.GetAsync<CounterGrain>("c-1");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => grain.InvokeAsync(g => g.IncrementAsync()))));

        var (count, overlap) = await grain.InvokeAsync(g => ValueTask.FromResult((g.Count, g.MaxConcurrentTurns)));
        count.ShouldBe(200, "a read-modify-write across an await loses updates when turns interleave");
        overlap.ShouldBe(1);
    }

    [Fact]
    public async Task Posted_frames_run_in_order_one_at_a_time()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var grain = await node.Catalog.GetAsync<CounterGrain>("c-1");

        for (var i = 0; i < 1000; i++)
        {
            (await grain.PostAsync(static (g, s) => g.NoteAsync(s), i.ToString())).ShouldBeTrue();
        }

        var log = await grain.InvokeAsync(g => ValueTask.FromResult(g.Log.ToList()));
        log.ShouldBe(Enumerable.Range(0, 1000).Select(i => i.ToString()));
    }

    [Fact]
    public async Task Timer_ticks_run_as_turns()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var grain = await node.Catalog.GetAsync<TickingGrain>("t-1");
        await grain.InvokeAsync(g => g.StartTicking(TimeSpan.FromMilliseconds(1)));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        var ticks = 0;
        while (ticks < 50 && DateTime.UtcNow < deadline)
        {
            ticks = await grain.InvokeAsync(g => g.BusyAsync());
        }

        ticks.ShouldBeGreaterThanOrEqualTo(50);
        (await grain.InvokeAsync(g => ValueTask.FromResult(g.MaxConcurrentTurns))).ShouldBe(1);
    }

    [Fact]
    public async Task One_activation_per_key_on_a_node_even_under_concurrent_lookups()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");

        var references = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => node.Catalog.GetAsync<CounterGrain>("c-1"))));

        references.Select(r => r.Epoch).Distinct().ShouldHaveSingleItem();
        await Task.WhenAll(references.Select(r => r.InvokeAsync(g => g.IncrementAsync())));
        (await references[0].InvokeAsync(g => ValueTask.FromResult(g.Count))).ShouldBe(50);
        node.Catalog.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Idle_activation_is_collected_and_releases_its_lease()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var grain = await node.Catalog.GetAsync<CounterGrain>("c-idle");
        await grain.InvokeAsync(g => g.IncrementAsync());

        await Eventually.UntilAsync(() =>
        {
            node.Maintenance.CollectOnce();
            return grain.Deactivated.IsCompleted;
        }, TimeSpan.FromSeconds(10), "the idle activation is collected");

        node.Catalog.Count.ShouldBe(0);
        (await node.Leases.FindOwnerAsync("c-idle")).ShouldBeNull();
    }

    [Fact]
    public async Task Socket_traffic_counts_as_activity_for_idle_collection()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var pumping = await node.Catalog.GetAsync<PumpGrain>("pumping");
        var quiet = await node.Catalog.GetAsync<PumpGrain>("quiet");
        await pumping.InvokeAsync(g => g.StartPumpAsync(TimeSpan.FromMilliseconds(50)));

        // Idle timeout is 1 s: run the collector for 3 s.
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until)
        {
            node.Maintenance.CollectOnce();
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        quiet.Deactivated.IsCompleted.ShouldBeTrue("a grain without traffic is collected");
        pumping.Deactivated.IsCompleted.ShouldBeFalse("a grain whose upstream socket keeps posting is active");
        (await pumping.InvokeAsync(g => ValueTask.FromResult(g.Received))).ShouldBeGreaterThan(20);
    }

    [Fact]
    public async Task A_grain_that_refuses_collection_stays_while_idle()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var attached = await node.Catalog.GetAsync<PumpGrain>("attached");
        await attached.InvokeAsync(g =>
        {
            g.Attached = true;
            return ValueTask.CompletedTask;
        });

        var until = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < until)
        {
            node.Maintenance.CollectOnce();
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        attached.Deactivated.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task Calls_to_a_deactivated_activation_fail_and_a_new_lookup_reactivates()
    {
        await using var node = await TestNode.StartAsync(await postgres.CreateDatabaseAsync(), "a");
        var first = await node.Catalog.GetAsync<CounterGrain>("c-1");
        await first.InvokeAsync(g =>
        {
            g.Context.Deactivate();
            return ValueTask.CompletedTask;
        });
        await first.Deactivated;

        await Should.ThrowAsync<GrainDeactivatedException>(() => first.InvokeAsync(g => g.IncrementAsync()));
        var second = await node.Catalog.GetAsync<CounterGrain>("c-1");
        second.Epoch.ShouldBeGreaterThan(first.Epoch);
        (await second.InvokeAsync(g => g.IncrementAsync())).ShouldBe(1);
    }
}
