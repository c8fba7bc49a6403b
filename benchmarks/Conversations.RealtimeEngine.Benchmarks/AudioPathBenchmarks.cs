using System.Buffers;
using System.Buffers.Text;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Protocol;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>The per-frame work of the audio path, 20 ms at a time: it should allocate nothing.</summary>
[MemoryDiagnoser]
public class AudioPathBenchmarks
{
    private readonly byte[] _append;
    private readonly short[] _frame = new short[480];
    private readonly short[] _resampled = new short[400];
    private readonly byte[] _delta = new byte[4800];
    private readonly VoiceActivityDetector _vad = new(0.5, 500);
    private readonly Resampler _resampler = new(24000, 16000);
    private readonly EventIdSource _ids = new();

    public AudioPathBenchmarks()
    {
        var pcm = new byte[960];
        Random.Shared.NextBytes(pcm);
        _append = Encoding.UTF8.GetBytes($$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(pcm)}}"}""");
    }

    public static void Run(string[] args) =>
        BenchmarkSwitcher.FromTypes([typeof(AudioPathBenchmarks)]).Run(
            args,
            ManualConfig.CreateMinimumViable().AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance)).AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default));

    /// <summary>Read an append event's envelope and decode its base64 into pooled memory.</summary>
    [Benchmark]
    public int ParseAppend()
    {
        var envelope = ClientEnvelope.Read(_append);
        var pcm = ArrayPool<byte>.Shared.Rent(960);
        Base64.DecodeFromUtf8(_append.AsSpan(envelope.AudioStart, envelope.AudioLength), pcm, out _, out var written);
        ArrayPool<byte>.Shared.Return(pcm);
        return written;
    }

    /// <summary>Two 10 ms VAD frames.</summary>
    [Benchmark]
    public VoiceActivity Vad()
    {
        _vad.Process(_frame.AsSpan(0, 240));
        return _vad.Process(_frame.AsSpan(240, 240));
    }

    /// <summary>20 ms from 24 kHz to PocketSphinx's 16 kHz.</summary>
    [Benchmark]
    public int Resample() => _resampler.Process(_frame, _resampled);

    /// <summary>One 100 ms <c>response.output_audio.delta</c> event, base64 written straight into the pooled frame.</summary>
    [Benchmark]
    public int ComposeAudioDelta()
    {
        var writer = EventComposer.Start(ServerEvents.OutputAudioDelta, _ids);
        writer.WriteString(JsonNames.ResponseId, "resp_0123456789abcdefghij");
        writer.WriteString(JsonNames.ItemId, "item_0123456789abcdefghij");
        writer.WriteNumber(JsonNames.OutputIndex, 0);
        writer.WriteNumber(JsonNames.ContentIndex, 0);
        writer.WriteBase64String(JsonNames.Delta, _delta);
        var frame = EventComposer.Finish();
        frame.Return();
        return frame.Length;
    }
}
