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

    /// <summary>How long one send to a client may take; a client that reads no faster is closed (1008) and its socket released.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long attaching keeps retrying while the conversation's silo is unreachable (it died and the cluster has not
    /// declared it dead yet), before the client is asked to reconnect (1013).
    /// </summary>
    public TimeSpan AttachRetryWindow { get; set; } = TimeSpan.FromSeconds(10);
}
