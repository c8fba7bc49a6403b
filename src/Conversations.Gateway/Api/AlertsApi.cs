using System.Security.Claims;
using Conversations.Gateway.Auth;
using Conversations.Grains.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Conversations.Gateway.Api;

/// <summary>Emergency alerts for supervisors: <c>GET /api/v1/alerts</c>, <c>POST /api/v1/alerts/{id}/ack</c>.</summary>
public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/alerts").RequireAuthorization(p => p.RequireRole(ConversationsUser.SupervisorRole)).WithTags("Alerts");
        group.MapGet("/", ListAsync)
            .WithSummary("Emergency alerts (supervisors)")
            .WithDescription("Alerts raised at emergency levels 2 and 3, open ones first, newest first within each; `status` filters (`open`, `acknowledged`), `limit` (1–500, default 100) and `offset` page them, `total` counts them all.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/{id:long}/ack", AcknowledgeAsync)
            .WithSummary("Acknowledge an alert (supervisors)")
            .WithDescription("Marks the alert acknowledged by the caller (idempotent); every dashboard sees it through the feed.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> ListAsync(AlertStore alerts, string? status, int? limit, int? offset, CancellationToken cancellationToken)
    {
        if (status is not (null or "open" or "acknowledged") || limit is < 1 or > 500 || offset is < 0)
        {
            return Problems.Validation("status is open or acknowledged; limit between 1 and 500; offset non-negative.");
        }

        var list = await alerts.ListAsync(status, limit ?? 100, offset ?? 0, cancellationToken);
        var total = await alerts.CountAsync(status, cancellationToken);
        return TypedResults.Ok(new AlertPage([.. list.Select(AlertView.From)], total));
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> AcknowledgeAsync(long id, ClaimsPrincipal principal, AlertStore alerts, CancellationToken cancellationToken)
    {
        var alert = await alerts.AcknowledgeAsync(id, ConversationsUser.From(principal).Id, cancellationToken);
        return alert is null
            ? Problems.Create(StatusCodes.Status404NotFound, "alert_not_found", "No such alert.", $"There is no alert {id}.")
            : TypedResults.Ok(AlertView.From(alert));
    }

    /// <summary>A page of alerts (open first, newest first), and how many there are in all.</summary>
    public sealed record AlertPage(IReadOnlyList<AlertView> Data, int Total);

    /// <summary>An alert as supervisors see it.</summary>
    public sealed record AlertView(
        long AlertId, string ConversationId, string UserId, int Level, string Category, string Excerpt, DateTimeOffset CreatedAt, string Status, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy)
    {
        public static AlertView From(EmergencyAlert a) =>
            new(a.Id, a.ConversationId, a.UserId, a.Level, a.Category, a.Excerpt, a.CreatedAt, a.Status, a.AcknowledgedAt, a.AcknowledgedBy);
    }
}
