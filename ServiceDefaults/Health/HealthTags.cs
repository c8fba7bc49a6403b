namespace Conversations.ServiceDefaults.Health;

/// <summary>Tags that place a health check on <c>/health/live</c> or <c>/health/ready</c>.</summary>
public static class HealthTags
{
    /// <summary>Checks that only fail when the process should be restarted.</summary>
    public const string Live = "live";

    /// <summary>Checks that must pass before the host takes traffic (Postgres reachable, node joined…).</summary>
    public const string Ready = "ready";
}
