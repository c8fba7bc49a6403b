using System.Globalization;

namespace Conversations.Testing.Processes;

/// <summary>A silo as its own OS process (its built dll), so a test can kill it with SIGKILL.</summary>
public static class SiloProcess
{
    /// <summary>Starts a silo of the cluster on <paramref name="database"/> with the engine at <paramref name="engine"/>; ready when its /health/ready says so.</summary>
    public static Task<ServiceProcess> StartAsync(string database, Uri engine, string name, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__postgres"] = database,
            ["Upstream__Endpoint"] = new Uri(engine, "v1").ToString(),
            ["Orleans__Name"] = name,
            ["Orleans__Endpoints__SiloPort"] = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? [])
        {
            environment[key] = value;
        }

        return ServiceProcess.StartAsync("Conversations.Silo", name, environment);
    }
}
