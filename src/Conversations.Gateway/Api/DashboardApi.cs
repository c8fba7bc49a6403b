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
        group.MapGet("/conversations", LiveAsync)
            .WithSummary("Live conversations (supervisors)")
            .WithDescription("Conversations that have not ended: those with a client attached first, then detached ones (with `detached_at`); `limit` (1–200, default 50) and `offset` page them; `attached` and `detached` count them all.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/history", HistoryAsync)
            .WithSummary("The charts' recent past (supervisors)")
            .WithDescription("Dollars and priced responses per hour and the time-to-first-audio and relay latency samples (one per response) of the last `hours` (1–48, default 12), from the feed up to `cursor`; follow `/api/v1/dashboard/events?after=<cursor>` to count every later response exactly once.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/events", StreamAsync)
            .WithSummary("The cluster's event feed (supervisors, Server-Sent Events)")
            .WithDescription("Every node's conversation events in commit order, as `text/event-stream` (`id` is the feed cursor; resume with `Last-Event-ID` or `after`). Kinds: `started`, `resumed`, `detached`, `quota`, `usage`, `emergency`, `alert`, `alert_acknowledged`, `latency`, `supervision`, `ended`.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private const int MaxPage = 200;
    private const int MaxHistoryHours = 48;
    private const int MaxLatencySamples = 5000;
    private static readonly string[] HistoryKinds = ["usage", "latency"];

    private static async Task<Results<Ok<LivePage>, ProblemHttpResult>> LiveAsync(ConversationStore store, int? limit, int? offset, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage || offset is < 0)
        {
            return Problems.Validation($"limit must be between 1 and {MaxPage}; offset non-negative.");
        }

        var live = await store.ListLiveAsync(limit ?? 50, offset ?? 0, cancellationToken);
        var (attached, detached) = await store.CountLiveAsync(cancellationToken);
        return TypedResults.Ok(new LivePage(
            [.. live.Select(c => new LiveConversation(
                c.Id, c.UserId, c.CharacterId, c.CreatedAt, c.UsedSeconds, c.CostUsd, c.EmergencyLevel, c.Silo ?? "", c.Status.ToString().ToLowerInvariant(), c.Attached, c.DetachedAt))],
            attached,
            detached));
    }

    /// <summary>
    /// The recent past the dashboard's charts start from: usage per hour and latency samples from the feed up to a
    /// cursor, so that following the feed after that cursor counts every response exactly once.
    /// </summary>
    private static async Task<Results<Ok<DashboardHistory>, ProblemHttpResult>> HistoryAsync(EventFeed feed, TimeProvider time, int? hours, CancellationToken cancellationToken)
    {
        if (hours is < 1 or > MaxHistoryHours)
        {
            return Problems.Validation($"hours must be between 1 and {MaxHistoryHours}.");
        }

        var now = time.GetUtcNow();
        var since = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1 - (hours ?? 12));
        var cursor = await feed.TailAsync(cancellationToken);
        var usage = await feed.HistoryAsync(["usage"], since, cursor, int.MaxValue, cancellationToken);
        var latency = await feed.HistoryAsync(["latency"], since, cursor, MaxLatencySamples, cancellationToken);
        var perHour = usage
            .GroupBy(e => new DateTimeOffset(e.At.UtcDateTime.Year, e.At.UtcDateTime.Month, e.At.UtcDateTime.Day, e.At.UtcDateTime.Hour, 0, 0, TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g => new HourlyCost(g.Key, g.Sum(e => Number(e.Payload, "dollars") ?? 0m), g.Count()))
            .ToList();
        return TypedResults.Ok(new DashboardHistory(
            cursor.ToString(),
            since,
            perHour,
            [.. latency.Select(e => Number(e.Payload, "time_to_first_audio_ms")).OfType<decimal>()],
            [.. latency.Select(e => Number(e.Payload, "relay_ms_p50")).OfType<decimal>()],
            [.. latency.Select(e => Number(e.Payload, "relay_ms_p95")).OfType<decimal>()]));
    }

    private static decimal? Number(JsonElement payload, string name) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var value) && value.TryGetDecimal(out var number) ? number : null;

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

    /// <summary>A page of live conversations (attached first), and how many are attached and detached in all.</summary>
    public sealed record LivePage(IReadOnlyList<LiveConversation> Data, int Attached, int Detached);

    /// <summary>The charts' recent past, up to <see cref="Cursor"/>: follow <c>/api/v1/dashboard/events?after=</c> that cursor.</summary>
    public sealed record DashboardHistory(
        string Cursor, DateTimeOffset Since, IReadOnlyList<HourlyCost> CostPerHour, IReadOnlyList<decimal> TimeToFirstAudioMs, IReadOnlyList<decimal> RelayMsP50, IReadOnlyList<decimal> RelayMsP95);

    /// <summary>Dollars and priced responses in one hour (UTC); a response of an offline model counts at $0.</summary>
    public sealed record HourlyCost(DateTimeOffset Hour, decimal Dollars, int Responses);

    /// <summary>A live conversation on the dashboard.</summary>
    public sealed record LiveConversation(
        string ConversationId, string UserId, string CharacterId, DateTimeOffset StartedAt, decimal UsedSeconds, decimal CostUsd, int EmergencyLevel, string NodeId, string Status,
        bool Attached, DateTimeOffset? DetachedAt);
}
