namespace Conversations.Abstractions.Conversations;

/// <summary>What the gateway does with a server event.</summary>
public enum ServerEventKind : byte
{
    /// <summary>Send <see cref="ServerEvent.Data"/> as a text message (UTF-8 JSON).</summary>
    Json,

    /// <summary>Send <see cref="ServerEvent.Data"/> as a binary message (PCM16 assistant audio).</summary>
    Audio,

    /// <summary>Close the socket with <see cref="ServerEvent.CloseCode"/> and <see cref="ServerEvent.CloseReason"/>; nothing follows.</summary>
    Close,
}

/// <summary>One message for a client socket, in order.</summary>
[GenerateSerializer, Immutable, Alias("conversations.server-event")]
public readonly record struct ServerEvent(
    [property: Id(0)] ServerEventKind Kind,
    [property: Id(1)] ReadOnlyMemory<byte> Data,
    [property: Id(2)] int CloseCode,
    [property: Id(3)] string? CloseReason)
{
    /// <summary>A JSON event.</summary>
    public static ServerEvent Json(ReadOnlyMemory<byte> utf8) => new(ServerEventKind.Json, utf8, 0, null);

    /// <summary>Raw PCM16 audio.</summary>
    public static ServerEvent Audio(ReadOnlyMemory<byte> pcm16) => new(ServerEventKind.Audio, pcm16, 0, null);

    /// <summary>The last event: close the socket.</summary>
    public static ServerEvent Close(int code, string reason) => new(ServerEventKind.Close, ReadOnlyMemory<byte>.Empty, code, reason);
}
