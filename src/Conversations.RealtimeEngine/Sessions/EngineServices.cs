using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Telemetry;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>What every session shares: configuration and metrics.</summary>
internal sealed class EngineServices(IOptions<EngineOptions> options, EngineMetrics metrics)
{
    public EngineOptions Options { get; } = options.Value;

    public EngineMetrics Metrics { get; } = metrics;
}
