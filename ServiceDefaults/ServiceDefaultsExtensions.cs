using Conversations.ServiceDefaults.Health;
using Conversations.ServiceDefaults.Hosting;
using Conversations.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Conversations.ServiceDefaults;

/// <summary>What every host adds: OpenTelemetry over OTLP, health checks, a watchdog on the launching process.</summary>
public static class ServiceDefaultsExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDefaultTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddParentProcessWatchdog();
        return builder;
    }

    /// <summary>Maps <c>/health/live</c> (the process runs) and <c>/health/ready</c> (every check tagged <see cref="HealthTags.Ready"/>).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Live),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics().ExcludeFromDescription();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics().ExcludeFromDescription();
        return app;
    }
}
