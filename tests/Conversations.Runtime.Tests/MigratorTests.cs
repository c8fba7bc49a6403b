using Conversations.Testing;
using Npgsql;

namespace Conversations.Runtime.Tests;

public sealed class MigratorTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Concurrent_nodes_apply_each_migration_once()
    {
        var database = await postgres.CreateDatabaseAsync();

        var nodes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => TestNode.StartAsync(database, $"n{i}")));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM schema_migrations WHERE name = '0001_runtime_leases.sql'", connection);
        ((long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).ShouldBe(1);
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
