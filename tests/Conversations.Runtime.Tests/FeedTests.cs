using Conversations.Runtime.Streams;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Conversations.Runtime.Tests;

public sealed class FeedTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task An_event_that_commits_late_is_not_skipped_by_a_reader_that_saw_a_later_one()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var node = await TestNode.StartAsync(database, "a");
        var feed = node.Services.GetRequiredService<EventFeed>();
        await using var slow = new NpgsqlConnection(database);
        await slow.OpenAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        await EventFeed.AppendAsync(slow, slowTransaction, "c-1", "first", "n", w => w.WriteNumber("n", 1));

        await feed.AppendAsync("c-2", "second", "n", w => w.WriteNumber("n", 2));
        var whileOpen = await feed.ReadAsync(FeedCursor.Start, 100);
        await slowTransaction.CommitAsync();
        // Transactions of other tests on the same server can hold the snapshot horizon back for a moment.
        IReadOnlyList<FeedEvent> afterCommit = [];
        await Eventually.UntilAsync(async () => (afterCommit = await feed.ReadAsync(FeedCursor.Start, 100)).Count == 2, TimeSpan.FromSeconds(20), "both events are readable");

        whileOpen.ShouldBeEmpty("the second event must wait until the older transaction has finished");
        afterCommit.Select(e => e.Kind).ShouldBe(["first", "second"]);
        (await feed.ReadAsync(afterCommit[0].Cursor, 100)).Select(e => e.Kind).ShouldBe(["second"]);
    }

    [Fact]
    public async Task A_subscriber_is_woken_by_events_from_another_node_and_resumes_from_its_cursor()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var reader = await TestNode.StartAsync(database, "reader");
        await using var writer = await TestNode.StartAsync(database, "writer");
        var signal = reader.Services.GetRequiredService<FeedSignal>();
        await signal.StartAsync(CancellationToken.None);
        var subscription = reader.Services.GetRequiredService<FeedSubscription>();
        var writerFeed = writer.Services.GetRequiredService<EventFeed>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var received = new List<FeedEvent>();
        var following = Task.Run(async () =>
        {
            await foreach (var e in subscription.FollowAsync(FeedCursor.Start, stop.Token))
            {
                received.Add(e);
                if (received.Count == 3)
                {
                    return;
                }
            }
        });
        for (var i = 1; i <= 3; i++)
        {
            await writerFeed.AppendAsync($"c-{i}", "quota", writer.Identity.Id, w => w.WriteNumber("used_seconds", i));
        }

        await following.WaitAsync(stop.Token);
        received.Select(e => e.Payload.GetProperty("used_seconds").GetInt32()).ShouldBe([1, 2, 3]);
        received.ShouldAllBe(e => e.NodeId == writer.Identity.Id);

        await foreach (var e in subscription.FollowAsync(received[1].Cursor, stop.Token))
        {
            e.Stream.ShouldBe("c-3", "resuming after the second event yields the third, once");
            break;
        }

        await signal.StopAsync(CancellationToken.None);
    }
}
