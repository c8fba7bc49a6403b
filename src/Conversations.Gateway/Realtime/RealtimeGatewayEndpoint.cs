using System.Globalization;
using System.Net.WebSockets;
using Conversations.Domain.Characters;
using Conversations.Gateway.Lifecycle;
using Conversations.Gateway.Auth;
using Conversations.Grains.Conversations;
using Conversations.Runtime.Activation;
using Conversations.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Gateway.Realtime;

/// <summary><c>GET /v1/realtime</c>: the OpenAI-Realtime-compatible client WebSocket (PROTOCOL.md §1).</summary>
public static class RealtimeGatewayEndpoint
{
    public const string BinaryAudioSubprotocol = "conversations.pcm16";
    public const string RealtimeSubprotocol = "realtime";

    public static WebApplication MapRealtimeGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/v1/realtime", ConnectAsync).RequireAuthorization().WithTags("Realtime").ExcludeFromDescription();
        return app;
    }

    private static async Task ConnectAsync(
        HttpContext http,
        ConversationResolver resolver,
        NodeIdentity node,
        IOptions<GatewayOptions> options,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Conversations.Gateway.Realtime");
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await Problems.Create(StatusCodes.Status400BadRequest, "websocket_required", "A WebSocket upgrade is required.").ExecuteAsync(http);
            return;
        }

        var query = http.Request.Query;
        long? resumeFrom = null;
        if (query.TryGetValue("resume_from_seq", out var resumeText))
        {
            if (!long.TryParse(resumeText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await Problems.Validation("resume_from_seq must be a non-negative integer.").ExecuteAsync(http);
                return;
            }

            resumeFrom = parsed;
        }

        // OpenAI clients always send model=; with conversation_id= as well, the existing conversation wins.
        string? conversationId = query["conversation_id"];
        string? model = string.IsNullOrEmpty(conversationId) ? query["model"].ToString() : null;
        if (string.IsNullOrEmpty(model) && string.IsNullOrEmpty(conversationId))
        {
            await Problems.Validation("Give model=<character_id> for a new conversation or conversation_id=<id> for an existing one.").ExecuteAsync(http);
            return;
        }

        var user = ConversationsUser.From(http.User);
        var forwarded = http.Request.Headers[OwnerProxy.ForwardedHeader].Count > 0;
        var resolution = await resolver.ResolveAsync(user, model, conversationId, forwarded, http.RequestAborted);
        var settings = options.Value;
        if (resolution is Resolution.Proxy proxy)
        {
            using var owner = await OwnerProxy.ConnectAsync(http, proxy.NodeAddress, node.Id, http.RequestAborted);
            if (owner is not null)
            {
                using var relayed = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    SubProtocol = owner.SubProtocol,
                    KeepAliveInterval = settings.KeepAliveInterval,
                });
                await OwnerProxy.RelayAsync(relayed, owner, http.RequestAborted);
                return;
            }

            resolution = Resolution.Busy();
        }

        var offered = http.WebSockets.WebSocketRequestedProtocols;
        var binary = offered.Contains(BinaryAudioSubprotocol);
        var subprotocol = binary ? BinaryAudioSubprotocol : offered.Contains(RealtimeSubprotocol) ? RealtimeSubprotocol : null;
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            KeepAliveInterval = settings.KeepAliveInterval,
        });
        var connection = new ClientConnection(socket, binary, settings.SendQueueCapacity, logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var sending = connection.RunSendLoopAsync(stop.Token);
        try
        {
            if (resolution is Resolution.Refused refused)
            {
                connection.SendEvent(ServerEvents.Error(refused.Type, refused.Code, refused.Message));
                connection.Close(refused.CloseCode, refused.Code);
            }
            else if (resolution is Resolution.Local { Grain: var grain })
            {
                try
                {
                    await grain.InvokeAsync(g => g.AttachAsync(connection, resumeFrom), http.RequestAborted);
                    await ReceiveLoopAsync(socket, connection, grain, settings, http.RequestAborted);
                }
                finally
                {
                    await DetachAsync(grain, connection);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException || (e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            // The client went away without a closing handshake; the conversation stays resumable.
        }
        catch (GrainDeactivatedException)
        {
            connection.Close(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Realtime connection failed");
            connection.SendEvent(ServerEvents.Error("server_error", "internal_error", "The server failed to serve this connection."));
            connection.Close(CloseCodes.Internal, "internal error");
        }

        connection.Close(CloseCodes.Normal, "");
        stop.CancelAfter(settings.CloseTimeout);
        await sending;
        await WaitForCloseAsync(socket, stop.Token);
    }

    private static async Task ReceiveLoopAsync(
        WebSocket socket,
        ClientConnection connection,
        GrainReference<ConversationGrain> grain,
        GatewayOptions settings,
        CancellationToken cancellationToken)
    {
        var window = Environment.TickCount64;
        var framesInWindow = 0;
        while (socket.State == WebSocketState.Open && connection.CloseCode is null)
        {
            var frame = ClientFrame.Rent(4096, connection);
            ValueWebSocketReceiveResult result;
            do
            {
                if (frame.Free.Length == 0)
                {
                    if (frame.Length >= settings.MaxFrameBytes)
                    {
                        frame.Dispose();
                        connection.SendEvent(ServerEvents.InvalidRequest("frame_too_large", $"Frames may be at most {settings.MaxFrameBytes} bytes."));
                        connection.Close(CloseCodes.TooBig, "frame too large");
                        return;
                    }

                    frame.Grow();
                }

                result = await socket.ReceiveAsync(frame.Free, cancellationToken);
                frame.Advance(result.Count);
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                frame.Dispose();
                return;
            }

            frame.Complete(result.MessageType == WebSocketMessageType.Binary);
            if (Environment.TickCount64 - window >= 1000)
            {
                window = Environment.TickCount64;
                framesInWindow = 0;
            }

            if (++framesInWindow > settings.MaxFramesPerSecond)
            {
                frame.Dispose();
                if (framesInWindow == settings.MaxFramesPerSecond + 1)
                {
                    connection.SendEvent(ServerEvents.InvalidRequest("rate_limited", $"At most {settings.MaxFramesPerSecond} frames a second; frames over it in this second were not processed."));
                }

                continue;
            }

            if (!await grain.PostAsync(static (g, f) => g.ReceiveAsync(f), frame, cancellationToken))
            {
                frame.Dispose();
                connection.Close(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
                return;
            }
        }
    }

    private static async Task DetachAsync(GrainReference<ConversationGrain> grain, ClientConnection connection)
    {
        try
        {
            await grain.InvokeAsync(g => g.DetachAsync(connection));
        }
        catch (GrainDeactivatedException)
        {
        }
    }

    private static async Task WaitForCloseAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            var sink = new byte[1024];
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(sink.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }
}
