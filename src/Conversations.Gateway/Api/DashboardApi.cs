using System.Text.Json;
using Conversations.Gateway.Auth;
using Conversations.Grains.Persistence;
using Conversations.Grains.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Conversations.Gateway.Api;

/// <summary>
/// The operations dashboard's data (supervisors): a snapshot of live conversations and the cluster feed as
/// Server-Sent Events, resumable with <c>Last-Event-ID</c>. Every node serves every conversation's events.
/// </summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dashboard").RequireAuthorization(p => p.RequireRole(ConversationsUser.SupervisorRole)).WithTags("Dashboard");
        group.MapGet("/conversations", LiveAsync);
        group.MapGet("/events", StreamAsync);
        return app;
    }

    private static async Task<Ok<LivePage>> LiveAsync(ConversationStore store, CancellationToken cancellationToken)
    {
        var live = await store.ListLiveAsync(500, 0, cancellationToken);
        return TypedResults.Ok(new LivePage([.. live.Select(c => new LiveConversation(
            c.Id, c.UserId, c.CharacterId, c.CreatedAt, c.UsedSeconds, c.CostUsd, c.EmergencyLevel, c.Silo ?? "", c.Status.ToString().ToLowerInvariant(), c.Attached, c.DetachedAt))]));
    }

    private static async Task StreamAsync(HttpContext http, EventFeed feed, FeedFollower subscription, string? after)
    {
        var resumeFrom = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId ? lastEventId : after;
        FeedCursor cursor;
        if (resumeFrom is null)
        {
            cursor = await feed.TailAsync(http.RequestAborted);
        }
        else if (!FeedCursor.TryParse(resumeFrom, out cursor))
        {
            await Problems.Validation("after / Last-Event-ID must be a feed cursor (tx.id).").ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync($"retry: 1000\nid: {cursor}\n: connected\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await foreach (var item in subscription.FollowAsync(cursor, http.RequestAborted))
            {
                var data = JsonSerializer.Serialize(new
                {
                    cursor = item.Cursor.ToString(),
                    conversation_id = item.Stream,
                    kind = item.Kind,
                    payload = item.Payload,
                    node_id = item.NodeId,
                    at = item.At,
                });
                await http.Response.WriteAsync($"id: {item.Cursor}\nevent: {item.Kind}\ndata: {data}\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>The live conversations.</summary>
    public sealed record LivePage(IReadOnlyList<LiveConversation> Data);

    /// <summary>A live conversation on the dashboard.</summary>
    public sealed record LiveConversation(
        string ConversationId, string UserId, string CharacterId, DateTimeOffset StartedAt, decimal UsedSeconds, decimal CostUsd, int EmergencyLevel, string NodeId, string Status,
        bool Attached, DateTimeOffset? DetachedAt);
}
