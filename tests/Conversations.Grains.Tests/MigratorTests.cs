using System.Security.Cryptography;
using Conversations.Grains.Persistence;
using Conversations.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Conversations.Grains.Tests;

/// <summary>Schema migrations: Orleans' published scripts, unmodified, then the project's; once, however many silos start together.</summary>
public sealed class MigratorTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Five_silos_migrating_at_once_apply_each_migration_exactly_once()
    {
        await using var data = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var assemblies = new[] { new MigrationAssembly(typeof(ConversationStore).Assembly) };

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => new Migrator(data, assemblies, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None)));

        await using var command = data.CreateCommand("SELECT name, count(*) OVER (PARTITION BY name) FROM schema_migrations ORDER BY name");
        var applied = new List<(string Name, long Count)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        applied.ShouldAllBe(m => m.Count == 1);
        applied.Select(m => m.Name).Take(4).ShouldBe(["0001_orleans_main.sql", "0002_orleans_clustering.sql", "0003_orleans_persistence.sql", "0004_orleans_reminders.sql"]);
        applied.Select(m => m.Name).ShouldContain("0102_orleans_fencing.sql");
        await using var tables = data.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('orleansmembershiptable', 'orleansstorage', 'orleansreminderstable', 'conversations', 'time_charges')");
        (await tables.ExecuteScalarAsync()).ShouldBe(5L);
    }

    [Theory]
    [InlineData("0001_orleans_main.sql", "623c15320e640cdd3e84d0668dcae481312f2631ac4977bf2eb8cf22e05deb8b")]
    [InlineData("0002_orleans_clustering.sql", "75682538351dc15ad74d86fab14110cca2603fd063d19cebc76118ff84c88328")]
    [InlineData("0003_orleans_persistence.sql", "6913a5a83988e47a6239a8598f56cfcab529268f1f3cd57862de65b87bec2961")]
    [InlineData("0004_orleans_reminders.sql", "3debf0bed0ca0b057bb7d3ec18d826dce6fb52b92b4de69a2100b5a2b3691bd9")]
    public void Orleans_scripts_are_applied_exactly_as_published(string migration, string publishedSha256)
    {
        using var stream = typeof(ConversationStore).Assembly.GetManifestResourceStream("migrations/" + migration)!;
        Convert.ToHexStringLower(SHA256.HashData(stream)).ShouldBe(publishedSha256, "dotnet/orleans e558829b, src/AdoNet (see Persistence/Migrations/Orleans/README.md)");
    }
}
