using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Conversations.Domain.Transcript;
using Conversations.Gateway.Auth;
using Conversations.Grains.Persistence;
using Conversations.Grains.Streams;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Conversations.Gateway.Api;

/// <summary>
/// <c>GET /api/v1/conversations/{id}/transcript/live?after_seq=</c>: a conversation's transcript as Server-Sent Events,
/// from any silo — the stored entries after the seq, then each new one as it becomes durable, exactly once and in order
/// (<see cref="TranscriptFollower"/>). Resumable with <c>Last-Event-ID</c> (the seq). For the conversation's user and supervisors.
/// </summary>
public static class TranscriptLiveStream
{
    public static async Task FollowAsync(
        string id, HttpContext http, ClaimsPrincipal principal, ConversationStore store, TranscriptFollower follower, [FromQuery(Name = "after_seq")] long? afterSeq)
    {
        var user = ConversationsUser.From(principal);
        var record = user.IsSupervisor ? await store.FindAsync(id, http.RequestAborted) : await ConversationsApi.FindOwnAsync(id, principal, store, http.RequestAborted);
        if (record is null)
        {
            await Problems.ConversationNotFound(id).ExecuteAsync(http);
            return;
        }

        var after = afterSeq ?? 0;
        if (http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } lastEventId
            && !long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            await Problems.Validation("Last-Event-ID must be a transcript seq.").ExecuteAsync(http);
            return;
        }

        if (after < 0)
        {
            await Problems.Validation("after_seq must be non-negative.").ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync("retry: 1000\n: connected\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await foreach (var entry in follower.FollowAsync(id, after, http.RequestAborted))
            {
                var data = JsonSerializer.Serialize(new { seq = entry.Seq, role = entry.Role.WireName(), text = entry.Text, at = entry.At, item_id = entry.ItemId });
                await http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"id: {entry.Seq}\nevent: transcript\ndata: {data}\n\n"), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
    }
}
