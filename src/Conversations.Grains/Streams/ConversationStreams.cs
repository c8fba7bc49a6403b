using Orleans.Runtime;

namespace Conversations.Grains.Streams;

/// <summary>The streams of conversations (one Orleans memory stream provider).</summary>
public static class ConversationStreams
{
    public const string ProviderName = "conversations";

    /// <summary>The namespace of each conversation's transcript stream (key: the conversation id).</summary>
    public const string TranscriptNamespace = "transcript";

    /// <summary>The namespace of the supervisors' feed (one stream, key <see cref="FeedKey"/>).</summary>
    public const string FeedNamespace = "feed";

    public const string FeedKey = "supervisors";

    public static StreamId Transcript(string conversationId) => StreamId.Create(TranscriptNamespace, conversationId);

    public static StreamId Feed { get; } = StreamId.Create(FeedNamespace, FeedKey);
}
