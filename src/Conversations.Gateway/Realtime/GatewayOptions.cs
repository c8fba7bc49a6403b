using System.ComponentModel.DataAnnotations;

namespace Conversations.Gateway.Realtime;

/// <summary>Limits of the client WebSocket (configuration section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The largest client frame; a larger one closes the socket with 1009.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Frames a client may send per second (audio in 20 ms chunks is 50); frames beyond it are refused with one
    /// <c>rate_limited</c> error event per second, and the connection stays open.
    /// </summary>
    [Range(10, 100_000)]
    public int MaxFramesPerSecond { get; set; } = 400;

    /// <summary>Events and audio frames queued for a client; a client that lets it fill is too slow and is closed (1008).</summary>
    [Range(16, 1 << 20)]
    public int SendQueueCapacity { get; set; } = 4096;

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a connection waits for an unreachable owner's conversation to be taken over before asking the client to retry.</summary>
    public TimeSpan OwnerTakeoverWait { get; set; } = TimeSpan.FromSeconds(10);
}
