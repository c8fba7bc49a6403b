using System.Diagnostics;
using System.Globalization;
using Conversations.Testing.Postgres;
using Npgsql;
using Xunit;

namespace Conversations.Testing;

/// <summary>One real PostgreSQL server per test process, started from the local binaries; each test asks for its own database.</summary>
/// <remarks>Use as an assembly fixture: <c>[assembly: AssemblyFixture(typeof(PostgresServerFixture))]</c>.</remarks>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "conversations-pg");
    private LocalPostgres? _server;
    private int _databases;

    public LocalPostgres Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    public async ValueTask InitializeAsync()
    {
        await StopOrphansAsync();
        var directory = Path.Combine(Root, $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
        _server = await LocalPostgres.StartAsync(new LocalPostgresOptions(directory) { Ephemeral = true, MaxConnections = 500 });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            TryDelete(_server.DataDirectory);
        }
    }

    /// <summary>Creates an empty database for one test and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        var database = $"{name ?? "t"}_{Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture)}_{Guid.NewGuid():N}".ToLowerInvariant();
        database = database[..Math.Min(database.Length, 60)];
        await using var connection = new NpgsqlConnection(Server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
        return Server.ConnectionString(database);
    }

    // A test process killed mid-run leaves its server behind; the next run stops it and reclaims the folder.
    private static async Task StopOrphansAsync()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(Root))
        {
            var owner = Path.GetFileName(directory).Split('-')[0];
            if (int.TryParse(owner, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
            {
                continue;
            }

            try
            {
                var orphan = await LocalPostgres.StartAsync(new LocalPostgresOptions(directory) { Ephemeral = true });
                await orphan.DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // A half-initialised folder: nothing runs there, delete it.
            }

            TryDelete(directory);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
