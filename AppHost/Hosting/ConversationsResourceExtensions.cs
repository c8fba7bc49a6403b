using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;
using static System.FormattableString;

namespace Conversations.AppHost.Hosting;

/// <summary>The realtime engine and the silos, with the configuration each needs and what each waits for.</summary>
public static class ConversationsResourceExtensions
{
    public const string EngineName = "engine";

    public static IResourceBuilder<ExecutableResource> AddRealtimeEngine(this IDistributedApplicationBuilder builder, AppHostSettings settings, InstallationSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        return builder.AddDotnetApp<Projects.Conversations_RealtimeEngine>(EngineName)
            .WithHttpEndpoint(port: settings.EnginePort, targetPort: settings.EnginePort, name: "http", isProxied: false)
            .WithEnvironment("ASPNETCORE_URLS", Invariant($"http://127.0.0.1:{settings.EnginePort}"))
            .WithEnvironment("Engine__ApiKey", secrets.EngineApiKey)
            .WithHttpHealthCheck("/health/ready", endpointName: "http");
    }

    /// <summary>Silo i serves the gateway on HTTP and HTTPS (Kestrel with the installation's certificate) and joins the Orleans cluster.</summary>
    public static IReadOnlyList<IResourceBuilder<ExecutableResource>> AddSilos(
        this IDistributedApplicationBuilder builder,
        AppHostSettings settings,
        InstallationSecrets secrets,
        IResourceBuilder<IResourceWithConnectionString> database,
        OrleansService cluster,
        IResourceBuilder<ExecutableResource> engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);
        var engineEndpoint = engine.GetEndpoint("http");
        var silos = new List<IResourceBuilder<ExecutableResource>>();
        for (var i = 0; i < settings.Silos; i++)
        {
            var name = AppHostSettings.SiloName(i);
            var http = settings.SiloHttpPort(i);
            var https = settings.SiloHttpsPort(i);
            var silo = builder.AddDotnetApp<Projects.Conversations_Silo>(name)
                .WithHttpEndpoint(port: http, targetPort: http, name: "http", isProxied: false)
                .WithHttpsEndpoint(port: https, targetPort: https, name: "https", isProxied: false)
                .WithEnvironment("ASPNETCORE_URLS", Invariant($"http://localhost:{http};https://localhost:{https}"))
                .WithEnvironment("Kestrel__Certificates__Default__Path", secrets.CertificatePath)
                .WithEnvironment("Kestrel__Certificates__Default__KeyPath", secrets.CertificateKeyPath)
                .WithEnvironment("Auth__SigningKey", secrets.SigningKey)
                .WithEnvironment("Upstream__Endpoint", ReferenceExpression.Create($"http://127.0.0.1:{engineEndpoint.Property(EndpointProperty.TargetPort)}/v1"))
                .WithEnvironment("Upstream__ApiKey", secrets.EngineApiKey)
                .WithEnvironment("Orleans__Name", name)
                .WithReference(database)
                .WithReference(cluster)
                .WithOpenAI(builder)
                .WaitFor(database)
                .WaitFor(engine)
                .WithHttpHealthCheck("/health/ready", endpointName: "http")
                .WithUrl(Invariant($"ws://127.0.0.1:{http}/v1/realtime?model=mental-health"), "Gateway (ws)")
                .WithUrl(Invariant($"wss://localhost:{https}/v1/realtime?model=mental-health"), "Gateway (wss)");
            silos.Add(silo);
        }

        return silos;
    }

    /// <summary>With <c>OPENAI_API_KEY</c> set, speech-to-speech characters, client secrets and moderation use OpenAI (<c>OPENAI_BASE_URL</c>).</summary>
    private static IResourceBuilder<ExecutableResource> WithOpenAI(this IResourceBuilder<ExecutableResource> silo, IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["OPENAI_API_KEY"] is not { Length: > 0 } key)
        {
            return silo;
        }

        var endpoint = builder.Configuration["OPENAI_BASE_URL"] is { Length: > 0 } url ? url : "https://api.openai.com/v1";
        return silo.WithEnvironment("Upstream__OpenAI__ApiKey", key).WithEnvironment("Upstream__OpenAI__Endpoint", endpoint);
    }
}
