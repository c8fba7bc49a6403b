using System.Buffers.Binary;

namespace Conversations.Relay.Benchmarks;

/// <summary>
/// 20 ms of PCM16 24 kHz audio that says which frame it is: the session and the frame's number are written into the
/// first samples as 4-bit values (near silence, so the engine's VAD hears no speech), and the echo brings them back.
/// </summary>
internal static class FrameStamp
{
    public const int Samples = 480;
    public const int Bytes = Samples * 2;

    /// <summary>Stamped samples: 8 for the frame number, 4 for the session, 4 for a check.</summary>
    public const int StampBytes = 16 * 2;

    /// <summary>Writes frame <paramref name="seq"/> of <paramref name="session"/> into <paramref name="pcm"/> (960 bytes; the rest stays silent).</summary>
    public static void Write(Span<byte> pcm, int session, int seq)
    {
        pcm[..Bytes].Clear();
        WriteNibbles(pcm, 0, (uint)seq, 8);
        WriteNibbles(pcm, 8, (uint)(session & 0xFFFF), 4);
        WriteNibbles(pcm, 12, Check(session, seq), 4);
    }

    /// <summary>Reads a stamp from the start of echoed audio; false when it carries none (or a damaged one).</summary>
    public static bool TryRead(ReadOnlySpan<byte> pcm, out int session, out int seq)
    {
        (session, seq) = (0, 0);
        if (pcm.Length < StampBytes)
        {
            return false;
        }

        for (var i = 0; i < 16; i++)
        {
            if ((ushort)BinaryPrimitives.ReadInt16LittleEndian(pcm[(i * 2)..]) > 15)
            {
                return false;
            }
        }

        seq = (int)ReadNibbles(pcm, 0, 8);
        session = (int)ReadNibbles(pcm, 8, 4);
        return ReadNibbles(pcm, 12, 4) == Check(session, seq);
    }

    private static uint Check(int session, int seq) => (uint)((session * 31) ^ (seq * 7) ^ 0x5A5A) & 0xFFFF;

    private static void WriteNibbles(Span<byte> pcm, int firstSample, uint value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm[((firstSample + i) * 2)..], (short)((value >> (4 * i)) & 0xF));
        }
    }

    private static uint ReadNibbles(ReadOnlySpan<byte> pcm, int firstSample, int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value |= (uint)(BinaryPrimitives.ReadInt16LittleEndian(pcm[((firstSample + i) * 2)..]) & 0xF) << (4 * i);
        }

        return value;
    }
}
