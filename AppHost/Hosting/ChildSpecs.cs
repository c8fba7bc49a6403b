using System.Globalization;
using Conversations.AppHost.Processes;
using Microsoft.Extensions.Configuration;

namespace Conversations.AppHost.Hosting;

/// <summary>The children the AppHost runs and the environment each one gets.</summary>
public static class ChildSpecs
{
    public const string EngineProject = "Conversations.RealtimeEngine";
    public const string SiloProject = "Conversations.Silo";

    public static ChildProcessSpec Engine(AppHostOptions options, IConfiguration configuration, string configurationName, bool color)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.EngineUrl;
        var environment = Common(configuration, url, serviceName: "conversations-engine", instance: "engine", color);
        return new ChildProcessSpec("engine", Repository.Assembly(EngineProject, configurationName), Repository.ProjectDirectory(EngineProject), url, "/health/live", environment);
    }

    public static ChildProcessSpec Silo(int index, AppHostOptions options, IConfiguration configuration, string configurationName, bool color, string connectionString, Upstream upstream)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(upstream);
        var name = "silo-" + index.ToString(CultureInfo.InvariantCulture);
        var url = options.SiloUrl(index);
        var environment = Common(configuration, url, serviceName: "conversations-silo", instance: name, color);
        environment["ConnectionStrings__postgres"] = connectionString;
        environment["Upstream__Endpoint"] = upstream.EngineEndpoint.AbsoluteUri.TrimEnd('/');
        if (upstream.OpenAIKey is not null)
        {
            environment["Upstream__OpenAI__ApiKey"] = upstream.OpenAIKey;
            environment["Upstream__OpenAI__Endpoint"] = upstream.OpenAIEndpoint.AbsoluteUri.TrimEnd('/');
        }

        environment["Orleans__Name"] = name;
        environment["Orleans__Endpoints__SiloPort"] = (11111 + index).ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Orleans__Endpoints__GatewayPort"] = (30000 + index).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ChildProcessSpec(name, Repository.Assembly(SiloProject, configurationName), Repository.ProjectDirectory(SiloProject), url, "/health/ready", environment);
    }

    private static Dictionary<string, string> Common(IConfiguration configuration, Uri url, string serviceName, string instance, bool color)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = url.AbsoluteUri.TrimEnd('/'),
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = Join(configuration["OTEL_RESOURCE_ATTRIBUTES"], $"service.instance.id={instance}"),
            ["CONVERSATIONS_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            // One line per log entry, so the name prefix marks every line of it.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = color ? "Enabled" : "Disabled",
        };
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            // Dashboards want metrics sooner than the SDK's default of a minute.
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = configuration["OTEL_METRIC_EXPORT_INTERVAL"] is { Length: > 0 } interval ? interval : "5000";
        }

        return environment;
    }

    private static string Join(string? existing, string attribute) =>
        string.IsNullOrWhiteSpace(existing) ? attribute : $"{existing},{attribute}";
}
