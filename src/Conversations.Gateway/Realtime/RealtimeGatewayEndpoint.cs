using System.Globalization;
using System.Net.WebSockets;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Gateway.Auth;
using Conversations.Grains.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Gateway.Realtime;

/// <summary><c>GET /v1/realtime</c>: the OpenAI-Realtime-compatible client WebSocket (PROTOCOL.md §1), on every silo.</summary>
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
        IGrainFactory grains,
        SiloDrain drain,
        GatewayMetrics metrics,
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
        var resolution = drain.IsDraining
            ? Resolution.Refuse(CloseCodes.TryAgain, "node_shutting_down", "This node is shutting down; reconnect to another.", "server_error")
            : await resolver.ResolveAsync(user, model, conversationId, http.RequestAborted);
        var settings = options.Value;
        var offered = http.WebSockets.WebSocketRequestedProtocols;
        var binary = offered.Contains(BinaryAudioSubprotocol);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = binary ? BinaryAudioSubprotocol : offered.Contains(RealtimeSubprotocol) ? RealtimeSubprotocol : null,
            KeepAliveInterval = settings.KeepAliveInterval,
        });
        metrics.Opened();
        try
        {
            if (resolution is Resolution.Refused refused)
            {
                await RefuseAsync(socket, refused, settings);
                return;
            }

            var attach = (Resolution.Attach)resolution;
            var request = new AttachRequest(Guid.NewGuid(), user.Id, resumeFrom, binary);
            var grain = grains.GetGrain<IConversationGrain>(attach.ConversationId);
            var connection = new RealtimeConnection(
                socket,
                attach.ConversationId,
                cancellationToken => grain.AttachAsync(request, cancellationToken),
                (data, isBinary) => grain.SendAsync(new ClientFrame(request.ConnectionId, data, isBinary)),
                settings,
                logger);
            await connection.RunAsync(drain.Drained, http.RequestAborted);
        }
        finally
        {
            metrics.Closed();
        }
    }

    private static async Task RefuseAsync(WebSocket socket, Resolution.Refused refused, GatewayOptions settings)
    {
        using var timeout = new CancellationTokenSource(settings.CloseTimeout);
        try
        {
            await socket.SendAsync(ServerEvents.Error(refused.Type, refused.Code, refused.Message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            await socket.CloseAsync((WebSocketCloseStatus)refused.CloseCode, refused.Code, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }
}
