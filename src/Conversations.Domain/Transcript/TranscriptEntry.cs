namespace Conversations.Domain.Transcript;

/// <summary>Who said a transcript entry.</summary>
public enum Speaker
{
    /// <summary>The person using the app.</summary>
    User,

    /// <summary>The AI character.</summary>
    Assistant,

    /// <summary>A tool's result the client gave the model (<c>function_call_output</c>).</summary>
    Tool,

    /// <summary>A human counsellor who joined the conversation.</summary>
    Supervisor,
}

/// <summary>One durable line of a conversation's transcript, ordered by <paramref name="Seq"/>.</summary>
/// <param name="ItemId">The upstream conversation item it came from, when there is one.</param>
/// <param name="SpeakerId">Who said it, for a supervisor's entries (the supervisor's user id).</param>
public sealed record TranscriptEntry(long Seq, Speaker Role, string Text, DateTimeOffset At, string? ItemId, string? SpeakerId = null);

/// <summary>Wire names of <see cref="Speaker"/>: "user", "assistant", "tool", "supervisor".</summary>
public static class SpeakerNames
{
    /// <summary>"user", "assistant", "tool" or "supervisor".</summary>
    public static string WireName(this Speaker speaker) => speaker switch
    {
        Speaker.User => "user",
        Speaker.Assistant => "assistant",
        Speaker.Tool => "tool",
        Speaker.Supervisor => "supervisor",
        _ => throw new ArgumentOutOfRangeException(nameof(speaker), speaker, null),
    };

    /// <summary>Parses a wire name.</summary>
    public static bool TryParse(string? name, out Speaker speaker)
    {
        switch (name)
        {
            case "user":
                speaker = Speaker.User;
                return true;
            case "assistant":
                speaker = Speaker.Assistant;
                return true;
            case "tool":
                speaker = Speaker.Tool;
                return true;
            case "supervisor":
                speaker = Speaker.Supervisor;
                return true;
            default:
                speaker = default;
                return false;
        }
    }
}
