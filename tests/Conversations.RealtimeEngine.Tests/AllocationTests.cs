using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Protocol;

namespace Conversations.RealtimeEngine.Tests;

public sealed class AllocationTests
{
    [Fact]
    public void Per_frame_audio_work_allocates_nothing_once_warm()
    {
        var pcm = new byte[960];
        Random.Shared.NextBytes(pcm);
        var append = Encoding.UTF8.GetBytes($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(pcm)}}"}""");
        var vad = new VoiceActivityDetector(0.5, 500);
        var resampler = new Resampler(24000, 16000);
        var ring = new AudioRing(24000);
        var resampled = new short[400];
        var delta = new byte[4800];
        var ids = new EventIdSource();
        long position = 0;

        void Frame()
        {
            var envelope = ClientEnvelope.Read(append);
            var decoded = ArrayPool<byte>.Shared.Rent(960);
            Base64.DecodeFromUtf8(append.AsSpan(envelope.AudioStart, envelope.AudioLength), decoded, out _, out var written);
            var samples = Pcm.AsSamples(decoded.AsSpan(0, written));
            position += samples.Length;
            ring.Write(samples, position);
            vad.Process(samples[..240]);
            vad.Process(samples[240..]);
            resampler.Process(samples, resampled);
            ArrayPool<byte>.Shared.Return(decoded);
            var writer = EventComposer.Start(ServerEvents.OutputAudioDelta, ids);
            writer.WriteString(JsonNames.ResponseId, "resp_0123456789abcdefghij");
            writer.WriteBase64String(JsonNames.Delta, delta);
            EventComposer.Finish().Return();
        }

        for (var i = 0; i < 100; i++)
        {
            Frame();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Frame();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
