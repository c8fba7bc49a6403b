using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Conversations.Gateway.Realtime;

/// <summary>
/// Relays a client's WebSocket to the node that owns its conversation, frame for frame and byte for byte: no parsing,
/// no re-encoding, close codes passed through both ways. The owner sees the client's own credentials.
/// </summary>
internal static class OwnerProxy
{
    /// <summary>Marks a connection that one node already forwarded, so it is never forwarded twice.</summary>
    public const string ForwardedHeader = "X-Conversations-Forwarded-By";

    private const int BufferSize = 64 * 1024;

    /// <summary>Opens the socket to the owner; null when it cannot be reached (the caller tells the client to retry).</summary>
    public static async Task<ClientWebSocket?> ConnectAsync(HttpContext http, Uri nodeAddress, string forwardedBy, CancellationToken cancellationToken)
    {
        var upstream = new ClientWebSocket();
        foreach (var protocol in http.WebSockets.WebSocketRequestedProtocols)
        {
            upstream.Options.AddSubProtocol(protocol);
        }

        if (http.Request.Headers.Authorization is { Count: > 0 } authorization)
        {
            upstream.Options.SetRequestHeader("Authorization", authorization.ToString());
        }

        upstream.Options.SetRequestHeader(ForwardedHeader, forwardedBy);
        upstream.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        var target = new UriBuilder(nodeAddress) { Scheme = string.Equals(nodeAddress.Scheme, "https", StringComparison.Ordinal) ? "wss" : "ws", Path = "/v1/realtime", Query = http.Request.QueryString.Value?.TrimStart('?') }.Uri;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await upstream.ConnectAsync(target, timeout.Token);
            return upstream;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            upstream.Dispose();
            return null;
        }
    }

    /// <summary>Pumps both directions until either side closes; the other side then gets the same close.</summary>
    public static async Task RelayAsync(WebSocket client, WebSocket owner, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toOwner = PumpAsync(client, owner, stop.Token);
        var toClient = PumpAsync(owner, client, stop.Token);
        await Task.WhenAny(toOwner, toClient);
        stop.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await Task.WhenAll(toOwner, toClient);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            client.Abort();
            owner.Abort();
        }
    }

    private static async Task PumpAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var result = await from.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, cancellationToken);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
            }
        }
        catch (WebSocketException)
        {
            // One side vanished without a close: end the other one too.
            if (to.State == WebSocketState.Open)
            {
                await to.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "peer lost", CancellationToken.None);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
