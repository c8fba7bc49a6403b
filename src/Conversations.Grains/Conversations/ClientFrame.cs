using System.Buffers;
using Microsoft.Extensions.ObjectPool;

namespace Conversations.Grains.Conversations;

/// <summary>One frame from a client socket in a pooled buffer: UTF-8 JSON text, or raw PCM16 audio (binary).</summary>
/// <remarks>Frames are pooled and their buffers rented, so the audio path allocates nothing per frame. Dispose returns both.</remarks>
public sealed class ClientFrame : IDisposable
{
    private static readonly ObjectPool<ClientFrame> Pool = new DefaultObjectPool<ClientFrame>(new DefaultPooledObjectPolicy<ClientFrame>(), 1024);
    private byte[] _buffer = [];

    /// <summary>The connection the frame came from.</summary>
    public IClientChannel? Sender { get; private set; }

    public bool IsBinary { get; private set; }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>A frame with room for at least <paramref name="capacity"/> bytes.</summary>
    public static ClientFrame Rent(int capacity, IClientChannel sender)
    {
        var frame = Pool.Get();
        frame.Sender = sender;
        frame._buffer = ArrayPool<byte>.Shared.Rent(capacity);
        frame.Length = 0;
        return frame;
    }

    /// <summary>The writable buffer (grown with <see cref="Grow"/>).</summary>
    public Memory<byte> Free => _buffer.AsMemory(Length);

    public void Advance(int count) => Length += count;

    public void Complete(bool isBinary) => IsBinary = isBinary;

    /// <summary>Doubles the buffer, keeping what was read.</summary>
    public void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, Length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        Sender = null;
        Pool.Return(this);
    }
}
