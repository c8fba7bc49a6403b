using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Recognition;
using Conversations.RealtimeEngine.Synthesis;
using Conversations.RealtimeEngine.Telemetry;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>What every session shares: configuration, speech providers and metrics.</summary>
internal sealed class EngineServices(IOptions<EngineOptions> options, ISpeechRecognizer recognizer, ISpeechSynthesizer synthesizer, EngineMetrics metrics)
{
    public EngineOptions Options { get; } = options.Value;

    public ISpeechRecognizer Recognizer { get; } = recognizer;

    public ISpeechSynthesizer Synthesizer { get; } = synthesizer;

    public EngineMetrics Metrics { get; } = metrics;
}
