using Conversations.Domain.Emergency;
using Conversations.Domain.Tiers;
using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Conversations.Testing;
using Orleans.Storage;

namespace Conversations.Grains.Tests;

/// <summary>The conversation's durable writes: fenced by the activation's epoch, idempotent when retried.</summary>
public sealed class ConversationStoreTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task A_retried_transcript_append_does_not_duplicate()
    {
        await using var db = await StoreDatabase.CreateAsync(postgres);
        await db.StartAsync("conv_1", "u");
        var claimed = await db.Conversations.ClaimAsync("conv_1");
        var journal = db.Journal(new Fence("conv_1", claimed.Epoch));
        var entry = new TranscriptEntry(1, Speaker.User, "hello", DateTimeOffset.UtcNow, "item_1");

        (await journal.WriteAsync((tx, ct) => ConversationStore.AppendTranscriptAsync(tx, "conv_1", entry, ct))).ShouldBeTrue();
        (await journal.WriteAsync((tx, ct) => ConversationStore.AppendTranscriptAsync(tx, "conv_1", entry, ct))).ShouldBeFalse("the retry finds the committed row");

        (await db.Conversations.ReadTranscriptAsync("conv_1", 0, 100)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_users_last_turns_come_back_oldest_first_and_a_plan_they_began_is_completed_by_the_next()
    {
        await using var db = await StoreDatabase.CreateAsync(postgres);
        await db.StartAsync("conv_1", "u");
        var claimed = await db.Conversations.ClaimAsync("conv_1");
        var journal = db.Journal(new Fence("conv_1", claimed.Epoch));
        var seq = 0;
        foreach (var (role, text) in new[]
        {
            (Speaker.User, "hello"), (Speaker.Assistant, "Hi, how are you?"), (Speaker.User, "not great"), (Speaker.Tool, "{\"weather\":\"rain\"}"),
            (Speaker.User, "I bought a rope"), (Speaker.Supervisor, "I'm here too."), (Speaker.Assistant, "What is it for?"),
        })
        {
            var entry = new TranscriptEntry(++seq, role, text, DateTimeOffset.UtcNow, null);
            await journal.WriteAsync((tx, ct) => ConversationStore.AppendTranscriptAsync(tx, "conv_1", entry, ct));
        }

        var recent = await db.Conversations.RecentUserTextsAsync("conv_1", EmergencyContext.Turns - 1);

        recent.ShouldBe(["not great", "I bought a rope"], "only the user's, the last ones, oldest first");
        (await db.Conversations.RecentUserTextsAsync("conv_2", 2)).ShouldBeEmpty();
        // What the grain does on activation: the context rebuilt from them reads the next turn with them.
        var screening = new EmergencyContext(recent, EmergencyLevel.FromStored(1, EmergencyCategory.Distress));
        EmergencyDetector.Assess("tonight is the night", "en").Level.ShouldBeLessThan(2);
        screening.Assess("tonight is the night", "en").Level.ShouldBe(3);
    }

    [Fact]
    public async Task A_stale_activation_cannot_append_transcript_charge_or_save_state_and_halts_for_good()
    {
        await using var db = await StoreDatabase.CreateAsync(postgres);
        await db.StartAsync("conv_1", "u");
        var stale = await db.Conversations.ClaimAsync("conv_1");
        var current = await db.Conversations.ClaimAsync("conv_1");
        current.Epoch.ShouldBe(stale.Epoch + 1, "every claim raises the epoch");
        Exception? halted = null;
        var journal = db.Journal(new Fence("conv_1", stale.Epoch), e => halted = e);

        await Should.ThrowAsync<InconsistentStateException>(() =>
            journal.WriteAsync((tx, ct) => ConversationStore.AppendTranscriptAsync(tx, "conv_1", new TranscriptEntry(1, Speaker.User, "late", DateTimeOffset.UtcNow, null), ct)));
        halted.ShouldBeOfType<InconsistentStateException>();
        journal.IsHalted.ShouldBeTrue();

        // Halted means never retried: later writes are refused without touching the database.
        await Should.ThrowAsync<InvalidOperationException>(() =>
            journal.WriteAsync((tx, ct) => UsageStore.ChargeTimeAsync(tx, stale, TierCatalog.Premium, 5, "1:1", UsagePeriod.For(DateTimeOffset.UtcNow), "test", ct)));
        await Should.ThrowAsync<InvalidOperationException>(() =>
            journal.WriteAsync((tx, ct) => ConversationStore.SaveAsync(tx, stale with { Status = ConversationStatus.Ended }, ct)));

        (await db.Conversations.ReadTranscriptAsync("conv_1", 0, 100)).ShouldBeEmpty();
        var stored = (await db.Conversations.FindAsync("conv_1"))!;
        stored.Status.ShouldBe(ConversationStatus.Created);
        stored.UsedSeconds.ShouldBe(0m);
    }

    [Fact]
    public async Task A_claim_waits_for_a_fenced_write_in_flight_so_the_write_cannot_land_after_it()
    {
        await using var db = await StoreDatabase.CreateAsync(postgres);
        await db.StartAsync("conv_1", "u");
        var first = await db.Conversations.ClaimAsync("conv_1");
        var fence = new Fence("conv_1", first.Epoch);

        // The first activation is inside a fenced write when a second one claims the conversation.
        await using var connection = await db.Data.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await fence.CheckAsync(transaction, CancellationToken.None);
        await ConversationStore.AppendTranscriptAsync(transaction, "conv_1", new TranscriptEntry(1, Speaker.User, "in flight", DateTimeOffset.UtcNow, null), CancellationToken.None);
        var claim = db.Conversations.ClaimAsync("conv_1");
        (await Task.WhenAny(claim, Task.Delay(500))).ShouldNotBe(claim, "the claim waits for the write in flight");
        await transaction.CommitAsync();
        var second = await claim.WaitAsync(TimeSpan.FromSeconds(10));

        second.Epoch.ShouldBe(first.Epoch + 1);
        (await db.Conversations.LastSeqAsync("conv_1")).ShouldBe(1, "the write landed before the claim, so the new activation sees it");
        await Should.ThrowAsync<InconsistentStateException>(() =>
            db.Journal(fence).WriteAsync((tx, ct) => ConversationStore.AppendTranscriptAsync(tx, "conv_1", new TranscriptEntry(2, Speaker.User, "after", DateTimeOffset.UtcNow, null), ct)));
    }

    [Fact]
    public async Task A_retried_time_charge_with_the_same_key_charges_the_conversation_and_the_month_once()
    {
        await using var db = await StoreDatabase.CreateAsync(postgres);
        var record = await db.StartAsync("conv_1", "u");
        var claimed = await db.Conversations.ClaimAsync("conv_1");
        var journal = db.Journal(new Fence("conv_1", claimed.Epoch));
        var period = UsagePeriod.For(DateTimeOffset.UtcNow);

        var first = await journal.WriteAsync((tx, ct) => UsageStore.ChargeTimeAsync(tx, record, TierCatalog.Premium, 7, "1:1", period, "test", ct));
        var retried = await journal.WriteAsync((tx, ct) => UsageStore.ChargeTimeAsync(tx, record, TierCatalog.Premium, 7, "1:1", period, "test", ct));
        var next = await journal.WriteAsync((tx, ct) => UsageStore.ChargeTimeAsync(tx, record, TierCatalog.Premium, 3, "1:2", period, "test", ct));

        first!.Charged.ShouldBe(7);
        retried.ShouldBeNull("the same key was charged already");
        next!.Conversation.UsedSeconds.ShouldBe(10m);
        (await db.Usage.LedgerAsync("u", period)).Seconds.ShouldBe(10);
        (await db.ScalarAsync<long>("SELECT count(*) FROM time_charges WHERE conversation_id = $1", "conv_1")).ShouldBe(2);
    }

    [Fact]
    public async Task Conversations_list_newest_first_in_pages_and_only_the_users_own()
    {
        await using var db = await StoreDatabase.CreateAsync(postgres);
        for (var i = 0; i < 5; i++)
        {
            await db.StartAsync($"conv_{i}", "me");
        }

        await db.StartAsync("conv_other", "someone-else");

        var first = await db.Conversations.ListForUserAsync("me", null, 3);
        var second = await db.Conversations.ListForUserAsync("me", first[^1].Id, 3);

        first.Select(c => c.Id).ShouldBe(["conv_4", "conv_3", "conv_2"]);
        second.Select(c => c.Id).ShouldBe(["conv_1", "conv_0"]);
    }
}
