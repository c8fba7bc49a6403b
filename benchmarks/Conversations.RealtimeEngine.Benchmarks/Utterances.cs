using System.Text;
using Conversations.Testing;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>Recorded speech (Flite slt and rms, as PocketSphinx recognises it) pre-encoded as 20 ms append events.</summary>
internal sealed class Utterances
{
    public const int ChunkBytes = 960;

    private static readonly (string Model, string Text)[] Lines =
    [
        ("mental-health", "hello how are you today"),
        ("internal-medicine", "i have had a headache since this morning"),
        ("nutrition", "what should i eat for breakfast"),
        ("geriatrics", "i fell yesterday and my knee hurts"),
        ("children", "i have too much homework"),
        ("womens-health", "i have bad period cramps"),
    ];

    private Utterances(IReadOnlyList<(string Model, byte[][] Frames, double Seconds)> all, byte[] silence)
    {
        All = all;
        SilenceFrame = silence;
    }

    public IReadOnlyList<(string Model, byte[][] Frames, double Seconds)> All { get; }

    /// <summary>20 ms of silence as an append event: what a microphone sends while the user listens.</summary>
    public byte[] SilenceFrame { get; }

    public static Utterances Load()
    {
        var all = new List<(string, byte[][], double)>();
        var index = 0;
        foreach (var (model, text) in Lines)
        {
            var pcm = SpeechSamples.Pcm24k(text, index++ % 2 == 0 ? "slt" : "rms");
            var frames = new List<byte[]>();
            for (var offset = 0; offset < pcm.Length; offset += ChunkBytes)
            {
                var chunk = new byte[ChunkBytes];
                pcm.AsSpan(offset, Math.Min(ChunkBytes, pcm.Length - offset)).CopyTo(chunk);
                frames.Add(Append(chunk));
            }

            all.Add((model, frames.ToArray(), pcm.Length / 48000.0));
        }

        return new Utterances(all, Append(new byte[ChunkBytes]));
    }

    private static byte[] Append(byte[] pcm) =>
        Encoding.UTF8.GetBytes($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(pcm)}}"}""");
}
