using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Conversations.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Conversations.AppHost.Postgres;

/// <summary>The <c>postgres</c> resource: a local server from the Debian binaries, or the server of <c>ConnectionStrings__postgres</c>.</summary>
public static class PostgresBuilderExtensions
{
    public const string ResourceName = "postgres";

    public static IResourceBuilder<IResourceWithConnectionString> AddConversationsDatabase(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        return string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ResourceName))
            ? builder.AddLocalPostgres(settings)
            : builder.AddExternalPostgres();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddExternalPostgres(this IDistributedApplicationBuilder builder)
    {
        var external = builder.AddConnectionString(ResourceName);
        builder.Eventing.Subscribe<BeforeStartEvent>(async (e, ct) =>
        {
            var connectionString = builder.Configuration.GetConnectionString(ResourceName)!;
            if (await PostgresDatabase.EnsureExistsAsync(connectionString, ct))
            {
                e.Services.GetRequiredService<ILogger<LocalPostgresResource>>().LogInformation("Created database {Database}", new NpgsqlConnectionStringBuilder(connectionString).Database);
            }
        });
        return external;
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalPostgres(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var data = PostgresDataDirectory.Choose(settings.DataDirectory, settings.RepositoryRoot);
        var (command, prefix) = PostgresBinaries.ServerUnderShutdownShell();
        var resource = new LocalPostgresResource(ResourceName, command, data);
        var healthCheck = $"{ResourceName}-database";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async ct =>
        {
            // Ready once it accepts connections and the silos' database exists.
            try
            {
                await PostgresDatabase.EnsureExistsAsync((await resource.ConnectionStringExpression.GetValueAsync(ct))!, ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy(exception.Message);
            }
        });

        return builder.AddResource(resource)
            .WithEndpoint(port: settings.PostgresPort, targetPort: settings.PostgresPort, scheme: "tcp", name: LocalPostgresResource.EndpointName, isProxied: false)
            .WithArgs([.. prefix, "-D", data, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300"])
            .WithArgs(context =>
            {
                context.Args.Add("-p");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
            })
            .OnBeforeResourceStarted(async (server, e, ct) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                if (PostgresDataDirectory.IsOutside(server.DataDirectory, settings.RepositoryRoot))
                {
                    logger.LogWarning("PostgreSQL data is outside the clone, in {DataDirectory}; remove it with: rm -rf {Folder}", server.DataDirectory, Path.GetDirectoryName(server.DataDirectory));
                }

                await PrepareAsync(server.DataDirectory, logger, ct);
            })
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }

    /// <summary>Hands the folder to the server's user, stops a server a killed AppHost left running on it, and initialises it once.</summary>
    private static async Task PrepareAsync(string data, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(data);
        if (PostgresBinaries.IsRoot)
        {
            await PostgresBinaries.RunAsync("chown", ["-R", "postgres:postgres", data], cancellationToken);
        }

        await ServerLock.ClearAsync(data, logger, cancellationToken);
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            logger.LogInformation("Initialising a new PostgreSQL data folder in {DataDirectory}", data);
            await PostgresBinaries.RunAsServerUserAsync("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], cancellationToken);
        }
    }
}

/// <summary>The server's lock file, <c>postmaster.pid</c>: a live server on the folder is asked to stop, a stale file is removed.</summary>
internal static class ServerLock
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(30);

    public static async Task ClearAsync(string data, ILogger logger, CancellationToken cancellationToken)
    {
        var lockFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(lockFile))
        {
            return;
        }

        if (Pid(lockFile) is { } pid && IsServerOf(pid, data))
        {
            // Left running by an AppHost that could not stop it: a fast shutdown keeps its data.
            logger.LogWarning("A PostgreSQL server (pid {Pid}) still runs on {DataDirectory}; stopping it", pid, data);
            await PostgresBinaries.RunAsync("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken, check: false);
            var deadline = DateTime.UtcNow + StopWait;
            while (IsServerOf(pid, data) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }

            return;
        }

        // The pid is gone, or now belongs to another program (pids are reused): the file is stale.
        File.Delete(lockFile);
    }

    private static int? Pid(string lockFile)
    {
        try
        {
            return int.TryParse(File.ReadLines(lockFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsServerOf(int pid, string data)
    {
        try
        {
            var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
            var stat = File.ReadAllText($"{proc}/stat");
            var zombie = stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
            return !zombie && File.ReadAllText($"{proc}/cmdline").Split('\0').Contains(data, StringComparer.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
