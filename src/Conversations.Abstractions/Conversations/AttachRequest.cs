namespace Conversations.Abstractions.Conversations;

/// <summary>A client connection asking to attach to a conversation.</summary>
/// <param name="ConnectionId">Identifies the connection: its frames carry it, and a newer connection replaces an older one.</param>
/// <param name="UserId">The authenticated user; a conversation of another user is answered as unknown.</param>
/// <param name="ResumeFromSeq">Replay transcript entries after this seq before live events (null: none).</param>
/// <param name="BinaryAudio">The client negotiated <c>conversations.pcm16</c>: assistant audio goes as binary frames.</param>
[GenerateSerializer, Immutable, Alias("conversations.attach-request")]
public sealed record AttachRequest(
    [property: Id(0)] Guid ConnectionId,
    [property: Id(1)] string UserId,
    [property: Id(2)] long? ResumeFromSeq,
    [property: Id(3)] bool BinaryAudio);
