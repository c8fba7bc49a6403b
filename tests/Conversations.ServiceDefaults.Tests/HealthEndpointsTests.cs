using System.Net;
using System.Net.Sockets;
using Conversations.ServiceDefaults.Health;
using Conversations.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Conversations.ServiceDefaults.Tests;

public sealed class HealthEndpointsTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Live_is_healthy_while_the_process_runs_even_when_not_ready()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:postgres"] = UnreachableConnectionString() },
            builder => builder.Services.AddHealthChecks().AddPostgresReadyCheck());

        var (status, body) = await app.GetAsync("/health/live");

        status.ShouldBe(HttpStatusCode.OK);
        body.ShouldContain("\"status\":\"Healthy\"");
        body.ShouldNotContain("postgres");
    }

    [Fact]
    public async Task Ready_is_503_when_postgres_is_unreachable()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:postgres"] = UnreachableConnectionString() },
            builder => builder.Services.AddHealthChecks().AddPostgresReadyCheck());

        var (status, body) = await app.GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("\"postgres\":{\"status\":\"Unhealthy\"");
        body.ShouldContain("PostgreSQL is not reachable");
    }

    [Fact]
    public async Task Ready_is_200_when_postgres_is_reachable()
    {
        var connectionString = await postgres.CreateDatabaseAsync("ready");
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:postgres"] = connectionString },
            builder => builder.Services.AddHealthChecks().AddPostgresReadyCheck());

        var (status, body) = await app.GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldContain("\"postgres\":{\"status\":\"Healthy\"");
    }

    [Fact]
    public async Task Ready_is_503_when_the_connection_string_is_missing()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.Services.AddHealthChecks().AddPostgresReadyCheck());

        var (status, body) = await app.GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("ConnectionStrings:postgres is not set");
    }

    [Fact]
    public async Task Ready_includes_every_check_a_host_tags_ready()
    {
        var joined = false;
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>(),
            builder => builder.Services.AddHealthChecks().AddCheck(
                "node",
                () => joined ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not joined yet"),
                [HealthTags.Ready]));

        (await app.GetAsync("/health/ready")).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await app.GetAsync("/health/live")).Status.ShouldBe(HttpStatusCode.OK);
        joined = true;
        (await app.GetAsync("/health/ready")).Status.ShouldBe(HttpStatusCode.OK);
    }

    // A port that was free a moment ago and that nothing listens on: connections are refused at once.
    private static string UnreachableConnectionString()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }
}
