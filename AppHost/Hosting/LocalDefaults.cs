namespace Conversations.AppHost.Hosting;

/// <summary>
/// What the launch profile sets, for runs without <c>dotnet run</c> (scripts/run.sh starts the built AppHost itself, so a
/// stop signal reaches it directly): the dashboard on plain HTTP at 127.0.0.1, Development. Variables already set win.
/// </summary>
public static class LocalDefaults
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:18888",
        ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:18890",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://127.0.0.1:18891",
        // No HTTPS development certificate can be trusted here; the dashboard stays on loopback behind its login token.
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
    };

    public static void Apply()
    {
        foreach (var (name, value) in Variables)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
