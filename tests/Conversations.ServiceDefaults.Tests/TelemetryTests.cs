using System.Diagnostics;
using System.Text;
using Conversations.ServiceDefaults.Telemetry;
using Conversations.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    private static readonly ActivitySource Source = new("Conversations.ServiceDefaults.Tests");

    [Fact]
    public async Task Spans_metrics_and_logs_reach_an_OTLP_HTTP_endpoint_with_the_service_name()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var serviceName = $"svc-{Guid.NewGuid():N}";
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.AbsoluteUri,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = serviceName,
            },
            endpoints: web => web.MapGet("/work", (ILogger<TelemetryTests> logger) =>
            {
                using var activity = Source.StartActivity("conversation-work");
                logger.LogWarning("did some work");
                return Results.Ok();
            }));
        await using (app)
        {
            (await app.GetAsync("/work")).Status.ShouldBe(System.Net.HttpStatusCode.OK);
        }

        // Stopping the host flushes what the batch processors still hold.
        var name = Encoding.UTF8.GetBytes(serviceName);
        await Eventually.UntilAsync(() => collector.Received("/v1/traces", name), TimeSpan.FromSeconds(10), "a trace export arrives");
        collector.Received("/v1/traces", "conversation-work"u8.ToArray()).ShouldBeTrue();
        collector.Received("/v1/traces", "GET /work"u8.ToArray()).ShouldBeTrue("the request span is named after its route");
        collector.Requests.First(r => r.Path == "/v1/traces").ContentType.ShouldBe("application/x-protobuf");
        await Eventually.UntilAsync(() => collector.Received("/v1/metrics", name), TimeSpan.FromSeconds(10), "a metrics export arrives");
        collector.Received("/v1/metrics", "http.server.request.duration"u8.ToArray()).ShouldBeTrue();
        await Eventually.UntilAsync(() => collector.Received("/v1/logs", "did some work"u8.ToArray()), TimeSpan.FromSeconds(10), "a log export arrives");
    }

    [Fact]
    public async Task Nothing_is_exported_without_an_endpoint()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>());

        var settings = app.App.Services.GetRequiredService<TelemetrySettings>();

        settings.ExportsOtlp.ShouldBeFalse();
        settings.ServiceName.ShouldBe("service-defaults-tests");
    }

    [Fact]
    public async Task Health_probes_are_not_recorded_but_other_requests_are()
    {
        var stopped = new System.Collections.Concurrent.ConcurrentQueue<(string Path, bool Recorded, string Name)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetCustomProperty("path") is string path)
                {
                    stopped.Enqueue((path, activity.Recorded, activity.DisplayName));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TagPathStartupFilter>(),
            web => web.MapGet("/work", () => "ok"));

        await app.GetAsync("/health/live");
        await app.GetAsync("/work");

        await Eventually.UntilAsync(() => stopped.Count(s => s.Path is "/health/live" or "/work") >= 2, TimeSpan.FromSeconds(5), "both requests end");
        stopped.Single(s => s.Path == "/health/live").Recorded.ShouldBeFalse();
        stopped.Single(s => s.Path == "/work").ShouldBe(("/work", true, "GET /work"));
    }

    private sealed class TagPathStartupFilter : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                Activity.Current?.SetCustomProperty("path", context.Request.Path.Value);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
