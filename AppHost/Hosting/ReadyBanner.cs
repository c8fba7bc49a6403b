using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conversations.AppHost.Hosting;

/// <summary>Once every resource is healthy, prints where everything is: dashboard, gateways, health, OpenAPI, pages, engine, a token.</summary>
internal sealed class ReadyBanner(
    AppHostSettings settings,
    InstallationSecrets secrets,
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    IConfiguration configuration,
    ILogger<ReadyBanner> logger) : BackgroundService
{
    public const string ReadyLine = "Conversations is ready";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waited = model.Resources.Where(r => r.Annotations.OfType<HealthCheckAnnotation>().Any()).Select(r => r.Name).ToList();
        try
        {
            await Task.WhenAll(waited.Select(name => notifications.WaitForResourceHealthyAsync(name, stoppingToken)));
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var elapsed = settings.SinceStart.Elapsed;
        await Console.Out.WriteLineAsync(Render(elapsed));
        await Console.Out.FlushAsync(stoppingToken);
    }

    private string Render(TimeSpan elapsed)
    {
        var silo0 = settings.SiloHttpPort(0);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{ReadyLine}: {settings.Silos} silo(s), the realtime engine and PostgreSQL, healthy {elapsed.TotalSeconds:0.0} s after start");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"  Aspire dashboard  {DashboardLogin()}");
        for (var i = 0; i < settings.Silos; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  Gateway {AppHostSettings.SiloName(i),-9} ws://127.0.0.1:{settings.SiloHttpPort(i)}/v1/realtime?model=<character_id>   wss://localhost:{settings.SiloHttpsPort(i)}/v1/realtime?model=<character_id>");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  REST              http://127.0.0.1:{silo0}/api/v1   (characters: GET /api/v1/characters)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  OpenAPI           http://127.0.0.1:{silo0}/openapi/v1.json");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Pages             http://127.0.0.1:{silo0}/ (voice client)   http://127.0.0.1:{silo0}/dashboard (supervisors)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Health            http://127.0.0.1:{silo0}/health/ready   http://127.0.0.1:{silo0}/health/live");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Realtime engine   http://127.0.0.1:{settings.EnginePort}/v1   (its API key: {Path.Combine(settings.StateDirectory, "secrets", "engine-api-key")})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  PostgreSQL        {DatabaseDescription()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  TLS certificate   {secrets.CertificatePath}   (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE or a browser)");
        text.AppendLine();
        text.AppendLine("A development token (tiers: free, basic, premium; role: user or supervisor):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -X POST http://127.0.0.1:{silo0}/api/v1/dev/tokens -H 'content-type: application/json' -d '{{\"user_id\":\"alice\",\"tier\":\"free\"}}'");
        text.AppendLine();
        text.AppendLine("Press Ctrl+C to stop everything.");
        return text.ToString();
    }

    private string DashboardLogin()
    {
        var url = (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.TrimEnd('/');
        if (url is null)
        {
            return "(not running)";
        }

        if (configuration["AppHost:BrowserToken"] is { Length: > 0 } token)
        {
            return $"{url}/login?t={token}";
        }

        logger.LogWarning("The dashboard runs without a login (ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS): anyone who can reach {Url} sees every resource's logs and environment", url);
        return $"{url}   WARNING: anonymous, no login (anyone who can reach it sees the logs and secrets)";
    }

    private string DatabaseDescription()
    {
        if (configuration.GetConnectionString("postgres") is { Length: > 0 })
        {
            return "the server of ConnectionStrings__postgres (database created if missing)";
        }

        var postgres = model.Resources.OfType<Postgres.LocalPostgresResource>().Single();
        var outside = Postgres.PostgresDataDirectory.IsOutside(postgres.DataDirectory, settings.RepositoryRoot)
            ? $" (outside the clone; remove with: rm -rf {Path.GetDirectoryName(postgres.DataDirectory)})"
            : "";
        return $"local, 127.0.0.1:{settings.PostgresPort}, database {Postgres.PostgresDatabase.Name}, data in {postgres.DataDirectory}{outside}";
    }
}
