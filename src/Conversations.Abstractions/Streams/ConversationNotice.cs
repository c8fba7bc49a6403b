namespace Conversations.Abstractions.Streams;

/// <summary>
/// What a conversation publishes on its Orleans streams once it is durable: a transcript entry (on the conversation's
/// transcript stream) or a supervisors' feed event (kind only: readers take the event itself from PostgreSQL, in commit order).
/// </summary>
[GenerateSerializer, Immutable, Alias("conversations.notice")]
public sealed record ConversationNotice(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string Kind,
    [property: Id(2)] TranscriptNotice? Entry);

/// <summary>A durable transcript entry as its stream carries it.</summary>
[GenerateSerializer, Immutable, Alias("conversations.transcript-notice")]
public sealed record TranscriptNotice(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Role,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string? ItemId,
    [property: Id(5)] string? SpeakerId = null);
