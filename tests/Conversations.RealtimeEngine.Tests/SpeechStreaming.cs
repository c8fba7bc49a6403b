using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

/// <summary>Sends PCM16 24 kHz audio the way a microphone would: 20 ms chunks, at real-time pace.</summary>
public static class SpeechStreaming
{
    public const int BytesPerMillisecond = 48;

    public static async Task StreamAsync(RealtimeSessionClient session, byte[] pcm, bool realTime = true, int chunkMilliseconds = 20)
    {
        var chunk = chunkMilliseconds * BytesPerMillisecond;
        using var timer = realTime ? new PeriodicTimer(TimeSpan.FromMilliseconds(chunkMilliseconds)) : null;
        for (var offset = 0; offset < pcm.Length; offset += chunk)
        {
            var length = Math.Min(chunk, pcm.Length - offset);
            await session.SendInputAudioAsync(BinaryData.FromBytes(pcm.AsMemory(offset, length)), TestContext.Current.CancellationToken);
            if (timer is not null)
            {
                await timer.WaitForNextTickAsync(TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>Silence, speech, silence.</summary>
    public static byte[] Padded(byte[] speech, int leadMs, int tailMs)
    {
        var result = new byte[(leadMs * BytesPerMillisecond) + speech.Length + (tailMs * BytesPerMillisecond)];
        speech.CopyTo(result, leadMs * BytesPerMillisecond);
        return result;
    }

    /// <summary>Milliseconds of the first and last sample louder than −40 dBFS.</summary>
    public static (int FirstMs, int LastMs) LoudSpan(byte[] pcm)
    {
        int first = -1, last = -1;
        for (var i = 0; i + 1 < pcm.Length; i += 2)
        {
            var sample = Math.Abs((int)(short)(pcm[i] | (pcm[i + 1] << 8)));
            if (sample > 328)
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        return (first / BytesPerMillisecond, last / BytesPerMillisecond);
    }

    public static string[] Words(string text) =>
        text.ToLowerInvariant().Split([' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries);
}
