using System.Diagnostics;
using OpenTelemetry;

namespace Conversations.ServiceDefaults.Telemetry;

/// <summary>
/// Leaves unrecorded the database spans that belong to no recorded operation: background polling (membership, leases,
/// health probes) would otherwise make a trace of its own every second and bury the conversations' traces.
/// </summary>
internal sealed class BackgroundDatabaseSpans : BaseProcessor<Activity>
{
    public const string NpgsqlSource = "Npgsql";

    public override void OnStart(Activity data)
    {
        if (string.Equals(data.Source.Name, NpgsqlSource, StringComparison.Ordinal) && data.Parent is not { Recorded: true } && !HasRemoteParent(data))
        {
            data.IsAllDataRequested = false;
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    private static bool HasRemoteParent(Activity activity) => activity.Parent is null && activity.ParentSpanId != default;
}
