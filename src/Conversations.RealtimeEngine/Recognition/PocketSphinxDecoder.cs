using System.Runtime.InteropServices;
using Conversations.RealtimeEngine.Configuration;

namespace Conversations.RealtimeEngine.Recognition;

/// <summary>One PocketSphinx decoder (16 kHz English model). Not thread-safe: one utterance at a time, one thread at a time.</summary>
internal sealed unsafe class PocketSphinxDecoder : IDisposable
{
    private static readonly Lock LoadGate = new();
    private nint _decoder;
    private bool _inUtterance;

    private PocketSphinxDecoder(nint decoder) => _decoder = decoder;

    public const int SampleRate = 16000;

    /// <summary>Set when a native call failed; the pool discards such a decoder instead of reusing it.</summary>
    public bool Faulted { get; private set; }

    /// <summary>Loads the model (about 0.4 s); serialized because SphinxBase's logging and parsing keep global state.</summary>
    public static PocketSphinxDecoder Load(RecognitionOptions options)
    {
        var directory = options.ModelDirectory;
        string[] fast = options.Fast ? ["-maxhmmpf", "3000", "-maxwpf", "5", "-topn", "2", "-pl_window", "10"] : [];
        string[] arguments =
        [
            "-hmm", Path.Combine(directory, "en-us"),
            "-lm", Path.Combine(directory, "en-us.lm.bin"),
            "-dict", Path.Combine(directory, "cmudict-en-us.dict"),
            "-samprate", "16000",
            "-fwdflat", options.SecondPass ? "yes" : "no",
            "-bestpath", options.SecondPass ? "yes" : "no",
            "-logfn", "/dev/null",
            .. fast,
        ];

        lock (LoadGate)
        {
            PocketSphinxNative.err_set_logfp(0);
            var argv = stackalloc nint[arguments.Length];
            try
            {
                for (var i = 0; i < arguments.Length; i++)
                {
                    argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
                }

                var config = PocketSphinxNative.cmd_ln_parse_r(0, PocketSphinxNative.ps_args(), arguments.Length, argv, 1);
                if (config == 0)
                {
                    throw new InvalidOperationException("PocketSphinx rejected its configuration.");
                }

                var decoder = PocketSphinxNative.ps_init(config);
                PocketSphinxNative.cmd_ln_free_r(config);
                if (decoder == 0)
                {
                    throw new InvalidOperationException($"PocketSphinx could not load the model in {directory}.");
                }

                return new PocketSphinxDecoder(decoder);
            }
            finally
            {
                for (var i = 0; i < arguments.Length; i++)
                {
                    Marshal.FreeCoTaskMem(argv[i]);
                }
            }
        }
    }

    public void StartUtterance()
    {
        ObjectDisposedException.ThrowIf(_decoder == 0, this);
        Check(PocketSphinxNative.ps_start_utt(_decoder), "ps_start_utt");
        _inUtterance = true;
    }

    /// <summary>Decodes 16 kHz samples as they come.</summary>
    public void Process(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        fixed (short* data = samples)
        {
            Check(PocketSphinxNative.ps_process_raw(_decoder, data, (nuint)samples.Length, 0, 0), "ps_process_raw");
        }
    }

    /// <summary>Ends the utterance and returns the best hypothesis (empty when nothing was recognised).</summary>
    public string EndUtterance()
    {
        _inUtterance = false;
        Check(PocketSphinxNative.ps_end_utt(_decoder), "ps_end_utt");
        int score;
        var hypothesis = PocketSphinxNative.ps_get_hyp(_decoder, &score);
        return hypothesis == 0 ? string.Empty : Marshal.PtrToStringUTF8(hypothesis) ?? string.Empty;
    }

    /// <summary>Abandons an utterance that will not be finished (the session ended mid-speech).</summary>
    public void Abandon()
    {
        if (_inUtterance && !Faulted)
        {
            _inUtterance = false;
            if (PocketSphinxNative.ps_end_utt(_decoder) < 0)
            {
                Faulted = true;
            }
        }
    }

    public void Dispose()
    {
        if (_decoder != 0)
        {
            PocketSphinxNative.ps_free(_decoder);
            _decoder = 0;
        }
    }

    private void Check(int result, string call)
    {
        if (result < 0)
        {
            Faulted = true;
            throw new InvalidOperationException($"PocketSphinx {call} failed ({result}).");
        }
    }
}
