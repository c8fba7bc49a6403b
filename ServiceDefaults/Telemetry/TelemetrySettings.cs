using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;

namespace Conversations.ServiceDefaults.Telemetry;

/// <summary>The standard <c>OTEL_*</c> settings, read from configuration (environment variables included).</summary>
internal sealed record TelemetrySettings(string ServiceName, Uri? OtlpEndpoint, OtlpExportProtocol Protocol, string? Headers, int? MetricExportIntervalMilliseconds)
{
    public bool ExportsOtlp => OtlpEndpoint is not null;

    public static TelemetrySettings From(IConfiguration configuration, string applicationName)
    {
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : applicationName;
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } raw
            ? new Uri(raw, UriKind.Absolute)
            : null;
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{other}' is not supported; use 'grpc' or 'http/protobuf'."),
        };
        var interval = int.TryParse(configuration["OTEL_METRIC_EXPORT_INTERVAL"], System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? ms
            : (int?)null;
        return new TelemetrySettings(serviceName, endpoint, protocol, configuration["OTEL_EXPORTER_OTLP_HEADERS"], interval);
    }

    /// <summary>service.name from these settings; OTEL_RESOURCE_ATTRIBUTES (e.g. service.instance.id) applied last so it wins.</summary>
    public ResourceBuilder Resource() => ResourceBuilder.CreateEmpty()
        .AddService(ServiceName)
        .AddTelemetrySdk()
        .AddEnvironmentVariableDetector();

    /// <summary>Points an exporter at the configured endpoint; OTLP/HTTP needs the per-signal path appended.</summary>
    public void Configure(OtlpExporterOptions options, string signalPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OtlpEndpoint is null)
        {
            return;
        }

        options.Protocol = Protocol;
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(OtlpEndpoint.AbsoluteUri.TrimEnd('/') + signalPath, UriKind.Absolute)
            : OtlpEndpoint;
        if (!string.IsNullOrEmpty(Headers))
        {
            options.Headers = Headers;
        }
    }
}
