using Npgsql;

namespace Conversations.AppHost.Postgres;

/// <summary>The silos' database: created when it is missing, through the server's <c>postgres</c> database.</summary>
public static class PostgresDatabase
{
    public const string Name = "conversations";

    /// <summary>Creates the connection string's database when it is missing; returns whether it did.</summary>
    public static async Task<bool> EnsureExistsAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(target.Database) || string.Equals(target.Database, "postgres", StringComparison.Ordinal))
        {
            return false;
        }

        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, Timeout = 5 };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = target.Database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return false;
        }

        var quoted = "\"" + target.Database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (string.Equals(exception.SqlState, PostgresErrorCodes.DuplicateDatabase, StringComparison.Ordinal))
        {
            // Created by someone else in the meantime.
            return false;
        }

        return true;
    }
}
