namespace Conversations.RealtimeEngine.Recognition;

/// <summary>What speech-to-text made of one utterance.</summary>
/// <param name="Text">The transcript (empty when nothing was recognised).</param>
/// <param name="AudioSeconds">Seconds of audio transcribed (what a per-minute price applies to).</param>
/// <param name="Latency">Time from the end of the audio to the transcript.</param>
internal sealed record RecognitionResult(string Text, double AudioSeconds, TimeSpan Latency);

/// <summary>Speech-to-text for one utterance, fed while the user speaks.</summary>
internal interface IRecognitionStream : IAsyncDisposable
{
    /// <summary>Adds PCM16 24 kHz audio; never blocks on decoding.</summary>
    void Write(ReadOnlySpan<short> samples);

    /// <summary>No more audio: returns the transcript.</summary>
    Task<RecognitionResult> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>A speech-to-text provider.</summary>
internal interface ISpeechRecognizer
{
    IRecognitionStream Start(string? language);
}
