namespace Conversations.Abstractions.Conversations;

/// <summary>One WebSocket message from a client: UTF-8 JSON text (a client event) or, with <c>conversations.pcm16</c>, raw PCM16 audio.</summary>
/// <remarks>
/// Immutable: within a silo the grain reads the gateway's buffer without a copy, so the gateway may reuse that buffer
/// only after the call has returned (and never after a call that failed, which may still run).
/// </remarks>
[GenerateSerializer, Immutable, Alias("conversations.client-frame")]
public readonly record struct ClientFrame(
    [property: Id(0)] Guid ConnectionId,
    [property: Id(1)] ReadOnlyMemory<byte> Data,
    [property: Id(2)] bool IsBinary);
