using System.Buffers;

namespace Conversations.Grains.Conversations;

/// <summary>The grain's view of an attached client socket: queue events and audio to it, or close it.</summary>
/// <remarks>Implementations queue into a bounded buffer and never block the grain; a client too slow to drain it is closed.</remarks>
public interface IClientChannel
{
    /// <summary>Whether the client negotiated <c>conversations.pcm16</c>: assistant audio goes as binary frames.</summary>
    bool BinaryAudio { get; }

    /// <summary>Queues a server event (UTF-8 JSON). False when the client is gone.</summary>
    bool SendEvent(BinaryData json);

    /// <summary>Queues raw PCM16 audio as one binary frame; the channel returns <paramref name="audio"/> to its pool when sent.</summary>
    bool SendAudio(IMemoryOwner<byte> audio, int length);

    /// <summary>Sends a close frame with the code and reason once queued events are sent.</summary>
    void Close(int closeCode, string reason);
}
