using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Conversations.ServiceDefaults.Health;

/// <summary>Ready when <c>SELECT 1</c> succeeds on the configured PostgreSQL server.</summary>
internal sealed class PostgresReadyCheck : IHealthCheck, IAsyncDisposable
{
    private readonly string _connectionStringName;
    private readonly NpgsqlDataSource? _dataSource;

    public PostgresReadyCheck(IConfiguration configuration, string connectionStringName)
    {
        _connectionStringName = connectionStringName;
        var connectionString = configuration.GetConnectionString(connectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Own small pool with a short connect timeout: a dead server must answer "not ready" quickly.
            var builder = new NpgsqlConnectionStringBuilder(connectionString)
            {
                Timeout = 3,
                CommandTimeout = 3,
                MaxPoolSize = 2,
                ApplicationName = "health",
            };
            _dataSource = NpgsqlDataSource.Create(builder);
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_dataSource is null)
        {
            return HealthCheckResult.Unhealthy($"ConnectionStrings:{_connectionStringName} is not set.");
        }

        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL is not reachable: {exception.Message}");
        }
    }

    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;
}
