using System.Buffers.Binary;

namespace Conversations.RealtimeEngine.Audio;

/// <summary>Reading WAV files into the wire format.</summary>
public static class Wav
{
    /// <summary>PCM16 mono at 24 kHz from a WAV file (other rates resampled).</summary>
    /// <remarks>Streamed WAVs (eSpeak NG's stdout) carry placeholder sizes, so the data runs to the end of the buffer.</remarks>
    public static short[] Decode(ReadOnlySpan<byte> wav)
    {
        if (wav.Length < 44 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidOperationException("Not a WAV file.");
        }

        var rate = 22050;
        var position = 12;
        while (position + 8 <= wav.Length)
        {
            var id = wav.Slice(position, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(wav.Slice(position + 4, 4));
            if (id.SequenceEqual("fmt "u8))
            {
                var channels = BinaryPrimitives.ReadInt16LittleEndian(wav.Slice(position + 10, 2));
                var bits = BinaryPrimitives.ReadInt16LittleEndian(wav.Slice(position + 22, 2));
                if (channels != 1 || bits != 16)
                {
                    throw new InvalidOperationException($"Only mono 16-bit WAV is supported, not {channels} channels of {bits} bits.");
                }

                rate = BinaryPrimitives.ReadInt32LittleEndian(wav.Slice(position + 12, 4));
            }
            else if (id.SequenceEqual("data"u8))
            {
                var data = size > 0 && position + 8 + size <= wav.Length ? wav.Slice(position + 8, size) : wav[(position + 8)..];
                return Resampler.Convert(Pcm.AsSamples(data), rate, Pcm.SampleRate);
            }

            position += 8 + Math.Max(0, size);
        }

        throw new InvalidOperationException("The WAV file has no data.");
    }
}
