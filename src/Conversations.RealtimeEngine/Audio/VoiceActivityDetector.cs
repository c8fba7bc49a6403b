namespace Conversations.RealtimeEngine.Audio;

/// <summary>What the detector decided about one 10 ms frame.</summary>
public enum VoiceActivity
{
    None,
    SpeechStarted,
    SpeechStopped,
}

/// <summary>Energy-based voice activity detection with hangover, parameterised like OpenAI's <c>server_vad</c>.</summary>
/// <remarks>
/// Works on 10 ms frames of 24 kHz PCM. <c>threshold</c> (0–1) maps linearly onto a frame level between −70 and −10 dBFS
/// (0.5 → −40 dBFS). Speech starts when 3 of the last 5 frames are above it, and stops after <c>silence_duration_ms</c>
/// below a level 6 dB lower (the hangover keeps short pauses inside one utterance).
/// </remarks>
public sealed class VoiceActivityDetector
{
    public const int FrameSamples = Pcm.SampleRate / 100;
    private const int StartWindow = 5;
    private const int StartVotes = 3;

    private readonly double _startLevel;
    private readonly double _continueLevel;
    private readonly int _silenceFrames;
    private int _recentVoiced;
    private int _recentMask;
    private int _silentRun;
    private long _firstVoicedFrame = -1;

    public VoiceActivityDetector(double threshold, int silenceDurationMs)
    {
        var clamped = Math.Clamp(threshold, 0.0, 1.0);
        var decibels = -70.0 + (60.0 * clamped);
        _startLevel = Math.Pow(10, decibels / 20) * short.MaxValue;
        _continueLevel = _startLevel / 2;
        _silenceFrames = Math.Max(1, silenceDurationMs / 10);
    }

    public bool InSpeech { get; private set; }

    /// <summary>Index (in frames since the detector started) of the first voiced frame of the current or last utterance.</summary>
    public long SpeechStartFrame { get; private set; }

    /// <summary>Frames seen so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Classifies one frame of <see cref="FrameSamples"/> samples.</summary>
    public VoiceActivity Process(ReadOnlySpan<short> frame)
    {
        var level = RootMeanSquare(frame);
        var index = Frames++;
        if (!InSpeech)
        {
            var voiced = level >= _startLevel;
            var leaving = (_recentMask >> (StartWindow - 1)) & 1;
            _recentMask = ((_recentMask << 1) | (voiced ? 1 : 0)) & ((1 << StartWindow) - 1);
            _recentVoiced += (voiced ? 1 : 0) - leaving;
            if (voiced && _firstVoicedFrame < 0)
            {
                _firstVoicedFrame = index;
            }

            if (_recentVoiced == 0)
            {
                _firstVoicedFrame = -1;
            }

            if (_recentVoiced >= StartVotes)
            {
                InSpeech = true;
                SpeechStartFrame = _firstVoicedFrame < 0 ? index : _firstVoicedFrame;
                _silentRun = 0;
                return VoiceActivity.SpeechStarted;
            }

            return VoiceActivity.None;
        }

        _silentRun = level >= _continueLevel ? 0 : _silentRun + 1;
        if (_silentRun >= _silenceFrames)
        {
            Reset();
            return VoiceActivity.SpeechStopped;
        }

        return VoiceActivity.None;
    }

    /// <summary>Forgets the current utterance (after a manual commit or clear); the frame count keeps running.</summary>
    public void Reset()
    {
        InSpeech = false;
        _recentMask = 0;
        _recentVoiced = 0;
        _silentRun = 0;
        _firstVoicedFrame = -1;
    }

    private static double RootMeanSquare(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var sample in frame)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / frame.Length);
    }
}
