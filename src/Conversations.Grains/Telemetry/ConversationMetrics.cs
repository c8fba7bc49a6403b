using System.Diagnostics.Metrics;

namespace Conversations.Grains.Telemetry;

/// <summary>The conversation metrics of DESIGN.md §8, on the meter <c>Conversations.Grains</c>.</summary>
public sealed class ConversationMetrics : IDisposable
{
    public const string MeterName = "Conversations.Grains";
    private readonly Meter _meter;

    public ConversationMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        ActiveConversations = _meter.CreateUpDownCounter<long>("conversations.active", description: "Conversations with a live activation on this node.");
        AudioFramesRelayed = _meter.CreateCounter<long>("conversations.audio.frames", description: "Audio frames relayed (direction: in, out).");
        RelayLatency = _meter.CreateHistogram<double>("conversations.relay.latency", "ms", "From an upstream event's arrival to its hand-over to the client's send queue.");
        TimeToFirstAudio = _meter.CreateHistogram<double>("conversations.time_to_first_audio", "ms", "From speech_stopped to the first output audio delta of the response it triggers.");
        EmergencyLevelsRaised = _meter.CreateCounter<long>("conversations.emergency.raised", description: "Emergency levels raised (level, category).");
        QuotaRefusals = _meter.CreateCounter<long>("conversations.quota.refusals", description: "Conversations refused or ended by a quota (limit).");
        DollarsSpent = _meter.CreateCounter<double>("conversations.cost", "USD", "Dollars of recorded upstream usage.");
        JournalWrites = _meter.CreateHistogram<double>("conversations.journal.write", "ms", "One fenced transaction of a conversation's journal (writes: how many it carried).");
    }

    public UpDownCounter<long> ActiveConversations { get; }

    public Counter<long> AudioFramesRelayed { get; }

    public Histogram<double> RelayLatency { get; }

    public Histogram<double> TimeToFirstAudio { get; }

    public Counter<long> EmergencyLevelsRaised { get; }

    public Counter<long> QuotaRefusals { get; }

    public Counter<double> DollarsSpent { get; }

    public Histogram<double> JournalWrites { get; }

    public void Dispose() => _meter.Dispose();
}
