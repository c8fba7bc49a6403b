using Conversations.AppHost.Console;
using Conversations.AppHost.Hosting;
using Npgsql;

namespace Conversations.AppHost.Postgres;

/// <summary>The PostgreSQL the children use: a local server this AppHost starts and stops, or an external one it only checks.</summary>
public sealed class DatabaseServer : IAsyncDisposable
{
    public const string DatabaseName = "conversations";
    private readonly LocalPostgres? _local;
    private readonly PostgresSentinel? _sentinel;

    private DatabaseServer(string connectionString, string description, LocalPostgres? local, PostgresSentinel? sentinel)
    {
        ConnectionString = connectionString;
        Description = description;
        _local = local;
        _sentinel = sentinel;
    }

    /// <summary>Connection string of the <c>conversations</c> database, as the children get it.</summary>
    public string ConnectionString { get; }

    /// <summary>One line for the banner.</summary>
    public string Description { get; }

    public static async Task<DatabaseServer> StartAsync(AppHostOptions options, string? externalConnectionString, ConsoleOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        if (!string.IsNullOrWhiteSpace(externalConnectionString))
        {
            var external = new NpgsqlConnectionStringBuilder(externalConnectionString);
            external.Database = string.IsNullOrEmpty(external.Database) ? DatabaseName : external.Database;
            output.Info($"using the PostgreSQL server from ConnectionStrings:postgres ({external.Host}:{external.Port}/{external.Database})");
            await EnsureDatabaseAsync(external, output, cancellationToken);
            return new DatabaseServer(external.ConnectionString, $"external, {external.Host}:{external.Port}, database {external.Database}", null, null);
        }

        var data = await PostgresDataDirectory.ChooseAsync(options.DataDirectory, Repository.Root, output, cancellationToken);
        output.Info($"starting PostgreSQL on {options.Host}:{options.PostgresPort} (data in {data})");
        var local = await LocalPostgres.StartAsync(new LocalPostgresOptions(data) { Port = options.PostgresPort }, cancellationToken);
        try
        {
            var sentinel = local.ServerProcessId is { } pid ? PostgresSentinel.Start(pid, local.DataDirectory) : null;
            var builder = new NpgsqlConnectionStringBuilder(local.ConnectionString(DatabaseName));
            await EnsureDatabaseAsync(builder, output, cancellationToken);
            return new DatabaseServer(builder.ConnectionString, $"local, 127.0.0.1:{local.Port}, database {DatabaseName}, data in {data}", local, sentinel);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }

        _sentinel?.Dispose();
    }

    /// <summary>Creates the database when it is missing, connecting to the server's <c>postgres</c> database to do it.</summary>
    private static async Task EnsureDatabaseAsync(NpgsqlConnectionStringBuilder target, ConsoleOutput output, CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = target.Database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        var quoted = "\"" + target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        output.Info($"created database {target.Database}");
    }
}
