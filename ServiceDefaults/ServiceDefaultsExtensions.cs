using Conversations.ServiceDefaults.Health;
using Conversations.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Conversations.ServiceDefaults;

/// <summary>What every host adds: OpenTelemetry (exported over OTLP when configured) and health checks.</summary>
public static class ServiceDefaultsExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>The project's own activity sources and Orleans' application spans (its runtime spans are noise: not traced).</summary>
    public static IReadOnlyList<string> TracedSources { get; } = ["Conversations.*", "Microsoft.Orleans.Application"];

    /// <summary>The project's own meters and Orleans'.</summary>
    public static IReadOnlyList<string> CollectedMeters { get; } = ["Conversations.*", "Microsoft.Orleans"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (set by the AppHost for each resource) wins; otherwise the application's name.
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(builder.Environment.ApplicationName, autoGenerateServiceInstanceId: false);
                }
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter([.. CollectedMeters]))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource([.. TracedSources])
                // Health probes every few seconds would drown the spans that matter.
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddProcessor(new BackgroundDatabaseSpans())
                .AddProcessor(new PerFrameSpans()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

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

    private static bool IsHealthProbe(PathString path) => path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
