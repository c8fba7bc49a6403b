using System.Globalization;
using System.Net.WebSockets;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Realtime;
using Conversations.Grains.Hosting;
using Conversations.Grains.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Gateway.Supervision;

/// <summary>
/// A human counsellor in a conversation (role <c>supervisor</c>): <c>GET /v1/supervise?conversation_id=&amp;audio=</c>, a
/// WebSocket to listen (transcripts, audio if asked), take over, speak and hand back, on any silo; and
/// <c>GET /api/v1/conversations/{id}/supervision</c>, who leads and the audit trail. See docs/protocol.md.
/// </summary>
public static class SupervisionEndpoints
{
    public static WebApplication MapSupervision(this WebApplication app)
    {
        app.Map("/v1/supervise", SuperviseAsync).RequireAuthorization(p => p.RequireRole(ConversationsUser.SupervisorRole)).ExcludeFromDescription();
        app.MapGet("/api/v1/conversations/{id}/supervision", GetAsync)
            .RequireAuthorization(p => p.RequireRole(ConversationsUser.SupervisorRole))
            .WithTags("Supervision")
            .WithSummary("Who leads a conversation and its supervision audit trail")
            .WithDescription("Supervisors only. The supervisor leading it now (null: the AI), since when, the human-led seconds, and every join, take-over, word said, hand-back and leave.");
        return app;
    }

    private static async Task<Results<Ok<SupervisionView>, ProblemHttpResult>> GetAsync(string id, ConversationStore conversations, SupervisionStore supervision, CancellationToken cancellationToken)
    {
        var record = await conversations.FindAsync(id, cancellationToken);
        if (record is null)
        {
            return Problems.ConversationNotFound(id);
        }

        var audit = await supervision.ReadAuditAsync(id, cancellationToken);
        return TypedResults.Ok(new SupervisionView(record.Id, record.LedBy, record.LedSince, record.HumanSeconds, record.EmergencyLevel, [.. audit.Select(a => new AuditView(a.SupervisorId, a.Action, a.Detail, a.At))]));
    }

    private static async Task SuperviseAsync(
        HttpContext http, ConversationStore conversations, IGrainFactory grains, SiloDrain drain, GatewayMetrics metrics, IOptions<GatewayOptions> options, ILoggerFactory loggers)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await Problems.Create(StatusCodes.Status400BadRequest, "websocket_required", "A WebSocket upgrade is required.").ExecuteAsync(http);
            return;
        }

        var query = http.Request.Query;
        var conversationId = query["conversation_id"].ToString();
        if (conversationId.Length == 0 || !Enum.TryParse<SupervisorAudio>(query["audio"].FirstOrDefault() ?? "none", ignoreCase: true, out var audio) || !Enum.IsDefined(audio))
        {
            await Problems.Validation("Give conversation_id=<id> and optionally audio=none|user|assistant|both.").ExecuteAsync(http);
            return;
        }

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

        var record = await conversations.FindAsync(conversationId, http.RequestAborted);
        var settings = options.Value;
        // A browser carries its token as a subprotocol next to "realtime", and refuses a socket whose server picks none of those it offered.
        var subprotocol = http.WebSockets.WebSocketRequestedProtocols.Contains(RealtimeGatewayEndpoint.RealtimeSubprotocol) ? RealtimeGatewayEndpoint.RealtimeSubprotocol : null;
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = subprotocol, KeepAliveInterval = settings.KeepAliveInterval });
        metrics.Opened();
        try
        {
            if (record is null || record.Status == ConversationStatus.Ended || drain.IsDraining)
            {
                var (code, error, message) = drain.IsDraining ? (CloseCodes.TryAgain, "node_shutting_down", "This node is shutting down; reconnect to another.")
                    : record is null ? (CloseCodes.UnknownConversation, "conversation_not_found", $"There is no conversation '{conversationId}'.")
                    : (CloseCodes.ConversationEnded, "conversation_ended", "The conversation has ended.");
                using var timeout = new CancellationTokenSource(settings.CloseTimeout);
                await socket.SendAsync(ServerEvents.InvalidRequest(error, message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                await socket.CloseAsync((WebSocketCloseStatus)code, error, timeout.Token);
                return;
            }

            var join = new SupervisorJoin(Guid.NewGuid(), ConversationsUser.From(http.User).Id, audio, resumeFrom);
            var grain = grains.GetGrain<IConversationGrain>(conversationId);
            var connection = new RealtimeConnection(
                socket,
                conversationId,
                cancellationToken => grain.SuperviseAsync(join, cancellationToken),
                (data, isBinary) => grain.SupervisorSendAsync(new ClientFrame(join.ConnectionId, data, isBinary)),
                settings,
                loggers.CreateLogger("Conversations.Gateway.Supervision"));
            await connection.RunAsync(drain.Drained, http.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
        finally
        {
            metrics.Closed();
        }
    }

    /// <summary>A conversation's supervision.</summary>
    public sealed record SupervisionView(string ConversationId, string? LedBy, DateTimeOffset? LedSince, decimal HumanSeconds, int EmergencyLevel, IReadOnlyList<AuditView> Audit);

    /// <summary>One supervisor action.</summary>
    public sealed record AuditView(string SupervisorId, string Action, string? Detail, DateTimeOffset At);
}
