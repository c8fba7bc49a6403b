using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Compute;
using Conversations.RealtimeEngine.Configuration;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Synthesis;

/// <summary>English speech with Flite's C library (voices slt, rms, awb, kal), resampled to 24 kHz.</summary>
/// <remarks>
/// Flite keeps one voice object per voice and synthesises concurrently from several threads (checked here with 4 threads
/// × 200 sentences on one shared voice). Synthesis runs on the speech workers, so first sentences overtake later ones.
/// </remarks>
internal sealed partial class FliteSynthesizer
{
    private static readonly Dictionary<string, string> DefaultVoices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["alloy"] = "slt", ["ash"] = "rms", ["ballad"] = "awb", ["coral"] = "slt", ["echo"] = "rms",
        ["sage"] = "awb", ["shimmer"] = "slt", ["verse"] = "kal", ["marin"] = "slt", ["cedar"] = "rms",
    };

    private static readonly Lazy<int> Initialised = new(flite_init);
    private readonly ConcurrentDictionary<string, nint> _voices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _voiceMap;
    private readonly SpeechWorkers _workers;

    public FliteSynthesizer(IOptions<EngineOptions> options, SpeechWorkers workers)
    {
        _workers = workers;
        _voiceMap = new Dictionary<string, string>(DefaultVoices, StringComparer.OrdinalIgnoreCase);
        foreach (var (openAiVoice, fliteVoice) in options.Value.Synthesis.FliteVoices)
        {
            _voiceMap[openAiVoice] = fliteVoice;
        }
    }

    /// <summary>The Flite voices this synthesiser knows.</summary>
    public static IReadOnlyCollection<string> FliteVoiceNames { get; } = ["slt", "rms", "awb", "kal"];

    /// <summary>The Flite voice an OpenAI voice name maps to (<c>slt</c> for unknown names).</summary>
    public string FliteVoiceFor(string voice) => _voiceMap.TryGetValue(voice, out var flite) ? flite : "slt";

    public Task<SynthesizedSpeech> SynthesizeAsync(string text, string voice, SpeechPriority priority, CancellationToken cancellationToken)
    {
        var handle = Voice(FliteVoiceFor(voice));
        return _workers.RunAsync(() => new SynthesizedSpeech(Synthesize(text, handle)), priority, cancellationToken);
    }

    /// <summary>Loads a voice ahead of the first sentence.</summary>
    public void Warm(string fliteVoice) => Voice(fliteVoice);

    private static unsafe short[] Synthesize(string text, nint voice)
    {
        var utf8 = Marshal.StringToCoTaskMemUTF8(text);
        try
        {
            var wave = flite_text_to_wave((byte*)utf8, voice);
            if (wave == null)
            {
                throw new InvalidOperationException("Flite produced no audio.");
            }

            try
            {
                var samples = new ReadOnlySpan<short>(wave->Samples, wave->NumSamples * Math.Max(1, wave->NumChannels));
                return Resampler.Convert(samples, wave->SampleRate, Pcm.SampleRate);
            }
            finally
            {
                delete_wave(wave);
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(utf8);
        }
    }

    private nint Voice(string fliteVoice) => _voices.GetOrAdd(fliteVoice, LoadVoice);

    private static unsafe nint LoadVoice(string name)
    {
        _ = Initialised.Value;
        // kal is an 8 kHz diphone voice; kal16 is the same speaker at 16 kHz.
        var library = name is "kal" ? "kal16" : name;
        var handle = NativeLibrary.Load($"libflite_cmu_us_{library}.so.1");
        var register = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(handle, $"register_cmu_us_{library}");
        var voice = register(0);
        return voice != 0 ? voice : throw new InvalidOperationException($"Flite voice {name} did not load.");
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct CstWave
    {
        public nint Type;
        public int SampleRate;
        public int NumSamples;
        public int NumChannels;
        public short* Samples;
    }

    [LibraryImport("libflite.so.1")]
    private static partial int flite_init();

    [LibraryImport("libflite.so.1")]
    private static unsafe partial CstWave* flite_text_to_wave(byte* text, nint voice);

    [LibraryImport("libflite.so.1")]
    private static unsafe partial void delete_wave(CstWave* wave);
}
