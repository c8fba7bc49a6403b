using System.Buffers;
using System.Text.Json;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>One serialized server event in a pooled buffer; whoever sends it returns the buffer.</summary>
internal readonly struct OutboundFrame
{
    private OutboundFrame(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
    }

    public byte[] Buffer { get; }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public static OutboundFrame CopyOf(ReadOnlySpan<byte> json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(buffer);
        return new OutboundFrame(buffer, json.Length);
    }

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>Writes one server event with a per-thread <see cref="Utf8JsonWriter"/>: allocation-free once warm.</summary>
/// <remarks>Call <see cref="Start"/>, write the fields, call <see cref="Finish"/> — on the same thread, with no await in between.</remarks>
internal sealed class EventComposer
{
    [ThreadStatic]
    private static EventComposer? t_current;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    private EventComposer()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Begins an event object with its <c>type</c> and a fresh <c>event_id</c>.</summary>
    public static Utf8JsonWriter Start(JsonEncodedText type, EventIdSource ids)
    {
        var composer = t_current ??= new EventComposer();
        composer._buffer.ResetWrittenCount();
        composer._writer.Reset(composer._buffer);
        var writer = composer._writer;
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Type, type);
        ids.Write(writer);
        return writer;
    }

    /// <summary>Closes the event object and copies it into a pooled frame.</summary>
    public static OutboundFrame Finish()
    {
        var composer = t_current ?? throw new InvalidOperationException("Finish without Start.");
        composer._writer.WriteEndObject();
        composer._writer.Flush();
        var frame = OutboundFrame.CopyOf(composer._buffer.WrittenSpan);
        if (composer._buffer.Capacity > 256 * 1024)
        {
            t_current = null;
        }

        return frame;
    }
}
