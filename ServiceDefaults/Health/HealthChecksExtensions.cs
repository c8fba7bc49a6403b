using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Conversations.ServiceDefaults.Health;

/// <summary>Registers the default health checks and the PostgreSQL readiness check.</summary>
public static class HealthChecksExtensions
{
    private static readonly TimeSpan PostgresTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A <c>self</c> check on <c>/health/live</c>: healthy as long as the process answers.</summary>
    public static IHostApplicationBuilder AddDefaultHealthChecks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live]);
        return builder;
    }

    /// <summary>A <c>ready</c> check that runs <c>SELECT 1</c> against <c>ConnectionStrings:{connectionStringName}</c>.</summary>
    public static IHealthChecksBuilder AddPostgresReadyCheck(this IHealthChecksBuilder builder, string connectionStringName = "postgres")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringName);
        builder.Services.AddSingleton(services => new PostgresReadyCheck(
            services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(), connectionStringName));
        return builder.Add(new HealthCheckRegistration(
            "postgres",
            services => services.GetRequiredService<PostgresReadyCheck>(),
            HealthStatus.Unhealthy,
            [HealthTags.Ready],
            PostgresTimeout));
    }
}
