using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Conversations.RealtimeEngine.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary><c>GET /v1/realtime?model=…</c>: the WebSocket upgrade, authentication and model routing.</summary>
internal static partial class RealtimeEndpoint
{
    public static async Task HandleAsync(HttpContext context, ModelCatalog models, EngineServices services, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            await context.Response.WriteAsync("This endpoint speaks the OpenAI Realtime protocol over WebSocket.", context.RequestAborted);
            return;
        }

        if (services.Options.ApiKey is { Length: > 0 } key && !Authorized(context, key))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("realtime") ? "realtime" : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = protocol,
            KeepAliveInterval = TimeSpan.FromSeconds(20),
        });

        var logger = loggers.CreateLogger("Conversations.RealtimeEngine.Session");
        var requested = context.Request.Query["model"].ToString();
        if (!models.TryGet(requested, out var model))
        {
            await RefuseAsync(socket, requested, models, context.RequestAborted);
            return;
        }

        LogSessionStarted(logger, model.Name);
        var session = new RealtimeSession(socket, model, services, logger);
        await session.RunAsync(context.RequestAborted);
    }

    /// <summary>Whether the request carries the engine's key (bearer header, or the browsers' subprotocol form).</summary>
    internal static bool Authorized(HttpContext context, string key)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var offered = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : string.Empty;
        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            if (protocol.StartsWith("openai-insecure-api-key.", StringComparison.Ordinal))
            {
                offered = protocol["openai-insecure-api-key.".Length..];
            }
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(key));
    }

    // Unknown model: one error event, then close 1008.
    private static async Task RefuseAsync(WebSocket socket, string requested, ModelCatalog models, CancellationToken cancellationToken)
    {
        var message = string.IsNullOrEmpty(requested)
            ? "Missing query parameter 'model'."
            : $"The model '{requested}' does not exist. Models: {string.Join(", ", models.Names.Order(StringComparer.Ordinal))}.";
        var frame = RealtimeSession.ComposeError(new EventIdSource(), "model_not_found", message, null, "model");
        try
        {
            await socket.SendAsync(frame.Memory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "model not found", timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
        finally
        {
            frame.Return();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Realtime session started for model {Model}")]
    private static partial void LogSessionStarted(ILogger logger, string model);
}
