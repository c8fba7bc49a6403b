using System.Diagnostics;

namespace Conversations.Grains.Telemetry;

/// <summary>The conversation spans (activity source <c>Conversations.Grains</c>): activation, attach, emergency raise, end.</summary>
public static class ConversationActivities
{
    public const string SourceName = "Conversations.Grains";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(string name, string conversationId)
    {
        var activity = Source.StartActivity(name);
        activity?.SetTag("conversation.id", conversationId);
        return activity;
    }
}
