using System.Diagnostics;
using OpenTelemetry;

namespace Conversations.ServiceDefaults.Telemetry;

/// <summary>
/// Leaves unrecorded the grain calls made per audio frame or per batch of events (a client frame going into its
/// conversation, the event stream's long polls): dozens a second per conversation, they would bury the turns' spans.
/// </summary>
internal sealed class PerFrameSpans : BaseProcessor<Activity>
{
    private static readonly string[] Suffixes = ["IConversationGrain/SendAsync", "IAsyncEnumerableGrainExtension/MoveNext", "IAsyncEnumerableGrainExtension/StartEnumeration", "IAsyncEnumerableGrainExtension/DisposeAsync"];

    public override void OnStart(Activity data)
    {
        if (string.Equals(data.Source.Name, "Microsoft.Orleans.Application", StringComparison.Ordinal) && IsPerFrame(data.DisplayName))
        {
            data.IsAllDataRequested = false;
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    private static bool IsPerFrame(string name)
    {
        foreach (var suffix in Suffixes)
        {
            if (name.Contains(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
