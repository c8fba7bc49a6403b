using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;
using Conversations.Grains.Persistence;
using Conversations.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Conversations.Grains.Tests;

/// <summary>A migrated database of its own and the stores over it, as a silo has them.</summary>
public sealed class StoreDatabase : IAsyncDisposable
{
    private StoreDatabase(NpgsqlDataSource data)
    {
        Data = data;
        Conversations = new ConversationStore(data);
        Usage = new UsageStore(data);
    }

    public NpgsqlDataSource Data { get; }

    public ConversationStore Conversations { get; }

    public UsageStore Usage { get; }

    public static async Task<StoreDatabase> CreateAsync(PostgresServerFixture postgres)
    {
        var data = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await new Migrator(data, [new MigrationAssembly(typeof(ConversationStore).Assembly)], NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        return new StoreDatabase(data);
    }

    /// <summary>A conversation as the gateway starts one (within the month's limits).</summary>
    public async Task<ConversationRecord> StartAsync(string id, string user) =>
        (await Usage.StartAsync(id, user, CharacterCatalog.Default.Get("nutrition"), TierCatalog.Premium, UsagePeriod.For(DateTimeOffset.UtcNow))).Record!;

    /// <summary>A journal for an activation holding <paramref name="fence"/>, as the grain makes one.</summary>
    internal ConversationJournal Journal(Fence fence, Action<Exception>? halted = null) =>
        new(Data, fence, new Telemetry.ConversationMetrics(new TestMeterFactory()), NullLogger.Instance, halted ?? (_ => { }));

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Data.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync() => await Data.DisposeAsync();

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
