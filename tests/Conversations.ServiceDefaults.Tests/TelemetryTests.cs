using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Conversations.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    private static readonly ActivitySource Grains = new("Conversations.Grains.Tests");
    private static readonly ActivitySource OrleansApplication = new("Microsoft.Orleans.Application");
    private static readonly ActivitySource OrleansRuntime = new("Microsoft.Orleans.Runtime");
    private static readonly Meter ConversationsMeter = new("Conversations.Grains.Tests");
    private static readonly Meter OrleansMeter = new("Microsoft.Orleans");

    [Fact]
    public async Task Spans_metrics_and_logs_reach_an_OTLP_HTTP_endpoint_with_the_service_name()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var serviceName = $"svc-{Guid.NewGuid():N}";
        var app = await TestApp.StartAsync(
            Otlp(collector, serviceName),
            endpoints: web => web.MapGet("/work", (ILogger<TelemetryTests> logger) =>
            {
                using var activity = Grains.StartActivity("conversation-work");
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
    public async Task Orleans_application_spans_and_meters_are_exported_but_not_its_runtime_spans_nor_per_frame_calls()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var app = await TestApp.StartAsync(
            Otlp(collector, $"svc-{Guid.NewGuid():N}"),
            endpoints: web => web.MapGet("/grain-call", () =>
            {
                using (OrleansApplication.StartActivity("IConversationGrain/EndAsync"))
                using (OrleansApplication.StartActivity("Conversations.Abstractions.Conversations.IConversationGrain/SendAsync"))
                using (OrleansRuntime.StartActivity("runtime-noise"))
                {
                    OrleansMeter.CreateCounter<long>("orleans-test-messages").Add(1);
                    ConversationsMeter.CreateCounter<long>("conversations.test.turns").Add(1);
                }

                return Results.Ok();
            }));
        await using (app)
        {
            (await app.GetAsync("/grain-call")).Status.ShouldBe(System.Net.HttpStatusCode.OK);
        }

        await Eventually.UntilAsync(() => collector.Received("/v1/traces", "IConversationGrain/EndAsync"u8.ToArray()), TimeSpan.FromSeconds(10), "the application span arrives");
        collector.Received("/v1/traces", "runtime-noise"u8.ToArray()).ShouldBeFalse("Orleans' runtime spans are not traced");
        collector.Received("/v1/traces", "IConversationGrain/SendAsync"u8.ToArray()).ShouldBeFalse("a grain call per audio frame is not traced");
        await Eventually.UntilAsync(() => collector.Received("/v1/metrics", "orleans-test-messages"u8.ToArray()), TimeSpan.FromSeconds(10), "Orleans' meter arrives");
        await Eventually.UntilAsync(() => collector.Received("/v1/metrics", "conversations.test.turns"u8.ToArray()), TimeSpan.FromSeconds(10), "the project's meter arrives");
    }

    [Fact]
    public async Task Database_spans_of_a_request_are_exported_but_background_polling_is_not()
    {
        using var npgsql = new ActivitySource("Npgsql");
        await using var collector = await OtlpReceiver.StartAsync();
        var app = await TestApp.StartAsync(
            Otlp(collector, $"svc-{Guid.NewGuid():N}"),
            endpoints: web => web.MapGet("/query", () =>
            {
                using (npgsql.StartActivity("SELECT from-a-request", ActivityKind.Client))
                {
                }

                return Results.Ok();
            }));
        await using (app)
        {
            // A poller outside any request: no parent.
            using (var poll = npgsql.StartActivity("SELECT from-a-poller", ActivityKind.Client, parentContext: default))
            {
                poll.ShouldNotBeNull();
            }

            (await app.GetAsync("/query")).Status.ShouldBe(System.Net.HttpStatusCode.OK);
        }

        await Eventually.UntilAsync(() => collector.Received("/v1/traces", "SELECT from-a-request"u8.ToArray()), TimeSpan.FromSeconds(10), "the request's query span arrives");
        collector.Received("/v1/traces", "SELECT from-a-poller"u8.ToArray()).ShouldBeFalse("a query outside any operation is not traced");
    }

    [Fact]
    public async Task Without_OTEL_SERVICE_NAME_the_service_is_named_after_the_application()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var configuration = Otlp(collector, serviceName: null);
        var app = await TestApp.StartAsync(configuration, endpoints: web => web.MapGet("/work", () => "ok"));
        await using (app)
        {
            await app.GetAsync("/work");
        }

        await Eventually.UntilAsync(() => collector.Received("/v1/traces", "service-defaults-tests"u8.ToArray()), TimeSpan.FromSeconds(10), "a trace with the application's name arrives");
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

    private static Dictionary<string, string?> Otlp(OtlpReceiver collector, string? serviceName) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.AbsoluteUri,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = serviceName,
    };

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
