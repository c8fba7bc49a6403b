using System.Diagnostics.Metrics;

namespace Conversations.Gateway.Realtime;

/// <summary>The gateway's meter, <c>Conversations.Gateway</c>: client sockets open on this silo.</summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Conversations.Gateway";
    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connections;
    private int _open;

    public GatewayMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _connections = _meter.CreateUpDownCounter<long>("conversations.gateway.connections", "{connection}", "Client WebSockets open on this silo.");
    }

    /// <summary>Client sockets open now (for tests and the dashboard).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public void Opened()
    {
        Interlocked.Increment(ref _open);
        _connections.Add(1);
    }

    public void Closed()
    {
        Interlocked.Decrement(ref _open);
        _connections.Add(-1);
    }

    public void Dispose() => _meter.Dispose();
}
