using System.Runtime.InteropServices;

namespace Conversations.RealtimeEngine.Audio;

/// <summary>The wire format: PCM16 little-endian mono at 24 kHz, and conversions between samples, bytes and time.</summary>
public static class Pcm
{
    public const int SampleRate = 24000;
    public const int BytesPerSample = 2;
    public const int SamplesPerMillisecond = SampleRate / 1000;

    public static ReadOnlySpan<short> AsSamples(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, short>(bytes[..(bytes.Length & ~1)]);

    public static ReadOnlySpan<byte> AsBytes(ReadOnlySpan<short> samples) => MemoryMarshal.AsBytes(samples);

    public static long ToMilliseconds(long samples) => samples / SamplesPerMillisecond;

    public static int FromMilliseconds(int milliseconds) => milliseconds * SamplesPerMillisecond;
}
