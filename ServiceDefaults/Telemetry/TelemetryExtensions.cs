using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace Conversations.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry logs, traces and metrics, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
public static class TelemetryExtensions
{
    /// <summary>Activity sources that are traced: the project's own and ASP.NET Core's, HttpClient's and Npgsql's built-in ones.</summary>
    public static IReadOnlyList<string> TracedSources { get; } = ["Conversations.*", "Microsoft.AspNetCore", "System.Net.Http", "Npgsql"];

    /// <summary>Meters that are collected: the project's own and those built into ASP.NET Core, Kestrel, HttpClient and the runtime.</summary>
    public static IReadOnlyList<string> CollectedMeters { get; } =
        ["Conversations.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    public static IHostApplicationBuilder AddDefaultTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = TelemetrySettings.From(builder.Configuration, builder.Environment.ApplicationName);
        builder.Services.AddSingleton(settings);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(settings.Resource());
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            if (settings.ExportsOtlp)
            {
                logging.AddOtlpExporter(otlp => settings.Configure(otlp, "/v1/logs"));
            }
        });

        // Hosted first so it starts before, and stops after, everything it observes.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, TelemetryProviders>());
        builder.Services.AddSingleton<IStartupFilter, HttpServerSpans>();
        return builder;
    }
}
