using System.Diagnostics.Metrics;

namespace Conversations.RealtimeEngine.Telemetry;

/// <summary>The engine's OpenTelemetry-compatible instruments (meter <c>Conversations.RealtimeEngine</c>).</summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "Conversations.RealtimeEngine";

    private readonly Meter _meter;
    private int _activeSessions;

    public EngineMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        Sessions = _meter.CreateUpDownCounter<long>("conversations.engine.sessions.active", "{session}", "Open realtime sessions.");
        AudioFramesIn = _meter.CreateCounter<long>("conversations.engine.audio.frames_in", "{frame}", "Input audio appends received.");
        AudioFramesOut = _meter.CreateCounter<long>("conversations.engine.audio.frames_out", "{frame}", "Output audio deltas sent.");
        Responses = _meter.CreateCounter<long>("conversations.engine.responses", "{response}", "Responses finished, by status.");
        ProtocolErrors = _meter.CreateCounter<long>("conversations.engine.errors", "{error}", "Error events sent, by code.");
        TimeToFirstAudio = _meter.CreateHistogram("conversations.engine.time_to_first_audio", "s", "From input_audio_buffer.speech_stopped to the first response.output_audio.delta.", advice: Buckets);
        SpeechToTextLatency = _meter.CreateHistogram("conversations.engine.stt.latency", "s", "From the end of an utterance to its transcript.", advice: Buckets);
        ResponderFirstToken = _meter.CreateHistogram("conversations.engine.responder.first_token", "s", "From the responder call to its first text.", advice: Buckets);
        SynthesisFirstChunk = _meter.CreateHistogram("conversations.engine.tts.first_chunk", "s", "From the first sentence to its synthesised audio.", advice: Buckets);
        SpeechQueueWait = _meter.CreateHistogram("conversations.engine.speech.queue_wait", "s", "Time speech work waits for a worker thread, by priority.", advice: Buckets);
        SpeechBusy = _meter.CreateCounter<double>("conversations.engine.speech.busy", "s", "Wall time the speech workers spent working (its rate over the worker count is their utilisation).");
    }

    public UpDownCounter<long> Sessions { get; }

    /// <summary>Open sessions right now (the same figure as <see cref="Sessions"/>, readable in-process).</summary>
    public int ActiveSessions => Volatile.Read(ref _activeSessions);

    public Counter<long> AudioFramesIn { get; }

    public Counter<long> AudioFramesOut { get; }

    public Counter<long> Responses { get; }

    public Counter<long> ProtocolErrors { get; }

    public Histogram<double> TimeToFirstAudio { get; }

    public Histogram<double> SpeechToTextLatency { get; }

    public Histogram<double> ResponderFirstToken { get; }

    public Histogram<double> SynthesisFirstChunk { get; }

    public Histogram<double> SpeechQueueWait { get; }

    public Counter<double> SpeechBusy { get; }

    private static InstrumentAdvice<double> Buckets { get; } = new()
    {
        HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    };

    public void SessionOpened()
    {
        Interlocked.Increment(ref _activeSessions);
        Sessions.Add(1);
    }

    public void SessionClosed()
    {
        Interlocked.Decrement(ref _activeSessions);
        Sessions.Add(-1);
    }

    public void Dispose() => _meter.Dispose();
}
