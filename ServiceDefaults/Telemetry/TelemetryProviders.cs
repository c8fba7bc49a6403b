using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Conversations.ServiceDefaults.Telemetry;

/// <summary>Owns the tracer and meter providers (OpenTelemetry.Extensions.Hosting would; it cannot be restored here).</summary>
internal sealed class TelemetryProviders : IHostedService, IDisposable
{
    private readonly TracerProvider _tracerProvider;
    private readonly MeterProvider _meterProvider;

    public TelemetryProviders(TelemetrySettings settings)
    {
        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(settings.Resource())
            .AddSource([.. TelemetryExtensions.TracedSources]);
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(settings.Resource())
            .AddMeter([.. TelemetryExtensions.CollectedMeters]);
        if (settings.ExportsOtlp)
        {
            tracing.AddOtlpExporter(otlp => settings.Configure(otlp, "/v1/traces"));
            metrics.AddOtlpExporter((otlp, reader) =>
            {
                settings.Configure(otlp, "/v1/metrics");
                if (settings.MetricExportIntervalMilliseconds is { } interval)
                {
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                }
            });
        }

        _tracerProvider = tracing.Build();
        _meterProvider = metrics.Build();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Everything else has stopped by now (this service is registered first): send what is buffered.
        _tracerProvider.ForceFlush(5000);
        _meterProvider.ForceFlush(5000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracerProvider.Dispose();
        _meterProvider.Dispose();
    }
}
