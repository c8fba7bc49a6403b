using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;
using Conversations.Domain.Transcript;
using Conversations.Runtime.Hosting;
using Conversations.Grains.Persistence;
using Conversations.Runtime.Leases;
using Conversations.Runtime.Storage;
using Conversations.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Conversations.Grains.Tests;

public sealed class ConversationStoreTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task A_retried_transcript_append_does_not_duplicate()
    {
        var (store, leases, _) = await CreateAsync();
        await StartAsync("conv_1", "u");
        var fence = (await leases.TryAcquireAsync("conv_1", "node", TimeSpan.FromMinutes(1)))!.Value;
        var entry = new TranscriptEntry(1, Speaker.User, "hello", DateTimeOffset.UtcNow, "item_1");

        (await store.AppendTranscriptAsync(fence, entry)).ShouldBeTrue();
        (await store.AppendTranscriptAsync(fence, entry)).ShouldBeFalse("the retry finds the committed row");

        (await store.ReadTranscriptAsync("conv_1", 0, 100)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_stale_activation_cannot_append_transcript_or_save_state()
    {
        var (store, leases, _) = await CreateAsync();
        var record = await StartAsync("conv_1", "u");
        var stale = (await leases.TryAcquireAsync("conv_1", "old", TimeSpan.FromMilliseconds(1)))!.Value;
        await Task.Delay(20);
        (await leases.TryAcquireAsync("conv_1", "new", TimeSpan.FromMinutes(1))).ShouldNotBeNull();

        await Should.ThrowAsync<StaleActivationException>(() => store.AppendTranscriptAsync(stale, new TranscriptEntry(1, Speaker.User, "late", DateTimeOffset.UtcNow, null)));
        await Should.ThrowAsync<StaleActivationException>(() => store.SaveAsync(stale, record with { Status = ConversationStatus.Ended }));

        (await store.ReadTranscriptAsync("conv_1", 0, 100)).ShouldBeEmpty();
        (await store.FindAsync("conv_1"))!.Status.ShouldBe(ConversationStatus.Created);
    }

    [Fact]
    public async Task Saving_with_an_old_version_is_refused()
    {
        var (store, leases, _) = await CreateAsync();
        var record = await StartAsync("conv_1", "u");
        var fence = (await leases.TryAcquireAsync("conv_1", "node", TimeSpan.FromMinutes(1)))!.Value;

        var saved = await store.SaveAsync(fence, record with { Status = ConversationStatus.Active });
        saved.Version.ShouldBe(record.Version + 1);
        await Should.ThrowAsync<StaleActivationException>(() => store.SaveAsync(fence, record with { UsedSeconds = 5 }));
        (await store.FindAsync("conv_1"))!.UsedSeconds.ShouldBe(0m);
    }

    [Fact]
    public async Task Conversations_list_newest_first_in_pages_and_only_the_users_own()
    {
        var (store, _, _) = await CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await StartAsync($"conv_{i}", "me");
        }

        await StartAsync("conv_other", "someone-else");

        var first = await store.ListForUserAsync("me", null, 3);
        var second = await store.ListForUserAsync("me", first[^1].Id, 3);

        first.Select(c => c.Id).ShouldBe(["conv_4", "conv_3", "conv_2"]);
        second.Select(c => c.Id).ShouldBe(["conv_1", "conv_0"]);
    }

    private UsageStore? _usage;

    /// <summary>A conversation as the gateway starts one (within the month's limits).</summary>
    private async Task<ConversationRecord> StartAsync(string id, string user) =>
        (await _usage!.StartAsync(id, user, CharacterCatalog.Default.Get("nutrition"), TierCatalog.Premium, UsagePeriod.For(DateTimeOffset.UtcNow))).Record!;

    private async Task<(ConversationStore Store, LeaseStore Leases, NpgsqlDataSource Data)> CreateAsync()
    {
        var data = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await new Migrator(data, [new MigrationAssembly(typeof(LeaseStore).Assembly), new MigrationAssembly(typeof(ConversationStore).Assembly)], NullLogger<Migrator>.Instance)
            .MigrateAsync(CancellationToken.None);
        var leases = new LeaseStore(data);
        _usage = new UsageStore(data, leases, NodeIdentity.Create("test", new Uri("http://127.0.0.1:1")));
        return (new ConversationStore(data, leases), leases, data);
    }
}
