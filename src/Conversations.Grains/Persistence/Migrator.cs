using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Conversations.Grains.Persistence;

/// <summary>Applies the plain SQL migrations embedded in the registered assemblies, once, under an advisory lock.</summary>
/// <remarks>
/// Migrations are ordered by file name across assemblies (0001_… for the runtime, 0100_… for grains) and recorded
/// in <c>schema_migrations</c>; concurrent silos take the same advisory lock, so exactly one applies each file.
/// </remarks>
public sealed class Migrator(NpgsqlDataSource dataSource, IEnumerable<MigrationAssembly> assemblies, ILogger<Migrator> logger)
{
    private const long AdvisoryLockKey = 0x436f6e7665727361; // "Conversa"

    // Each project embeds its Migrations/*.sql with this logical name prefix (see the csproj files).
    private const string Prefix = "migrations/";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = LoadMigrations();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("SELECT name FROM schema_migrations", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            foreach (var (name, sql) in migrations.Where(m => !applied.Contains(m.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand(sql, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.AddWithValue(name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", name);
            }
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    private List<(string Name, string Sql)> LoadMigrations()
    {
        var migrations = new List<(string Name, string Sql)>();
        foreach (var assembly in assemblies.Select(a => a.Assembly).Distinct())
        {
            foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
            {
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                migrations.Add((resource[Prefix.Length..], reader.ReadToEnd()));
            }
        }

        var duplicate = migrations.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations are named {duplicate.Key}.");
        }

        return [.. migrations.OrderBy(m => m.Name, StringComparer.Ordinal)];
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>An assembly whose embedded <c>*.sql</c> resources are migrations.</summary>
public sealed record MigrationAssembly(Assembly Assembly);
