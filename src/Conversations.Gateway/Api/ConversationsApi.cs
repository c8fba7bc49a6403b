using System.Security.Claims;
using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;
using Conversations.Gateway.Lifecycle;
using Conversations.Abstractions.Conversations;
using Conversations.Gateway.Auth;
using Conversations.Grains.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Conversations.Gateway.Api;

/// <summary>REST for conversations (<c>/api/v1/conversations</c>, PROTOCOL.md §2). Reads go to PostgreSQL; changes go through the grain.</summary>
public static class ConversationsApi
{
    private const int MaxPage = 200;

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/conversations").RequireAuthorization().WithTags("Conversations");
        group.MapPost("/", CreateAsync)
            .WithSummary("Start a conversation")
            .WithDescription("Creates a conversation with a character, within the month's limits of the caller's tier, and answers where to open its socket (`websocket_url`, from `Api:PublicBaseUrl` or the server's own address) and how long it may last. The conversation's clock starts when a client attaches.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", ListAsync)
            .WithSummary("List the caller's conversations")
            .WithDescription("The caller's conversations, newest first, `limit` (1–200, default 20) at a time; pass `next_cursor` as `cursor` for the next page.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/limits/current", LimitsAsync)
            .WithSummary("The caller's tier and month")
            .WithDescription("The tier, its per-conversation limit and allowed modes, and the month's limit, used and remaining minutes (and seconds), dollars and conversations.");
        group.MapGet("/{id}", GetAsync)
            .WithSummary("One conversation")
            .WithDescription("Status, character, tier, used seconds, cost, emergency level (0–3; level 1 is only visible here, it is not announced on the socket) and summary. Another user's conversation is a 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/transcript", TranscriptAsync)
            .WithSummary("A conversation's transcript")
            .WithDescription("Durable transcript entries after `after_seq`, `limit` (1–1000, default 200) at a time; `has_more` says whether to ask again from `last_seq`.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/transcript/live", TranscriptLiveStream.FollowAsync)
            .WithSummary("Follow a transcript live (Server-Sent Events)")
            .WithDescription("The stored entries after `after_seq`, then each new one once durable, as `text/event-stream` events named `transcript` whose `id` is the seq (resumable with `Last-Event-ID`). For the conversation's user and supervisors.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/end", EndAsync)
            .WithSummary("End a conversation")
            .WithDescription("Ends it on whichever node it lives: closes the client socket and the upstream, charges the clock and writes a summary. Ending an ended conversation answers it as it is.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}/summary", SetSummaryAsync)
            .WithSummary("Set a conversation's summary")
            .WithDescription("Replaces the summary (at most 8000 characters); a client-written summary is kept when the conversation ends.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Delete a conversation")
            .WithDescription("Ends it if it is live, then deletes it and its transcript. Usage records and the monthly ledger stay.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<CreatedConversation>, ProblemHttpResult>> CreateAsync(
        CreateConversationRequest request, ClaimsPrincipal principal, PublicAddress address, ConversationStarter starter, CharacterCatalog characters, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.CharacterId))
        {
            return Problems.Validation("character_id is required.");
        }

        if (!characters.TryGet(request.CharacterId, out var character))
        {
            return Problems.UnknownCharacter(request.CharacterId);
        }

        var started = await starter.StartAsync(ConversationsUser.From(principal), character, cancellationToken);
        if (started.Record is not { } record)
        {
            return Problems.QuotaRefused(started.Decision);
        }

        var socket = address.WebSocketUrl(record.Id);
        return TypedResults.Created($"/api/v1/conversations/{record.Id}", new CreatedConversation(record.Id, socket, started.MaxDurationSeconds, record.CreatedAt));
    }

    private static async Task<Ok<LimitsView>> LimitsAsync(ClaimsPrincipal principal, UsageStore usage, TierCatalog tiers, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = ConversationsUser.From(principal);
        var tier = tiers.Resolve(user.Tier);
        var ledger = await usage.LedgerAsync(user.Id, UsagePeriod.For(time.GetUtcNow()), cancellationToken);
        return TypedResults.Ok(LimitsView.From(tier, ledger));
    }

    private static async Task<Results<Ok<ConversationPage>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal principal, ConversationStore store, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage)
        {
            return Problems.Validation($"limit must be between 1 and {MaxPage}.");
        }

        if (cursor is not null && !IsConversationId(cursor))
        {
            return Problems.Validation("cursor must be a next_cursor value from a previous page.");
        }

        var size = limit ?? 20;
        var user = ConversationsUser.From(principal);
        var records = await store.ListForUserAsync(user.Id, cursor, size + 1, cancellationToken);
        var page = records.Take(size).Select(ConversationView.From).ToList();
        return TypedResults.Ok(new ConversationPage(page, records.Count > size ? page[^1].Id : null));
    }

    private static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal principal, ConversationStore store, CancellationToken cancellationToken)
    {
        var record = await FindOwnAsync(id, principal, store, cancellationToken);
        return record is null ? Problems.ConversationNotFound(id) : TypedResults.Ok(ConversationView.From(record));
    }

    private static async Task<Results<Ok<TranscriptPage>, ProblemHttpResult>> TranscriptAsync(
        string id, ClaimsPrincipal principal, ConversationStore store, [FromQuery(Name = "after_seq")] long? afterSeq, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000 || afterSeq < 0)
        {
            return Problems.Validation("limit must be between 1 and 1000 and after_seq non-negative.");
        }

        if (await FindOwnAsync(id, principal, store, cancellationToken) is null)
        {
            return Problems.ConversationNotFound(id);
        }

        var size = limit ?? 200;
        var entries = await store.ReadTranscriptAsync(id, afterSeq ?? 0, size + 1, cancellationToken);
        var page = entries.Take(size).Select(TranscriptEntryView.From).ToList();
        return TypedResults.Ok(new TranscriptPage(page, entries.Count > size, page.Count > 0 ? page[^1].Seq : afterSeq ?? 0));
    }

    private static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> EndAsync(
        string id, ClaimsPrincipal principal, ConversationStore store, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var record = await FindOwnAsync(id, principal, store, cancellationToken);
        if (record is null)
        {
            return Problems.ConversationNotFound(id);
        }

        if (record.Status != ConversationStatus.Ended)
        {
            await WithGrainAsync(grains, id, g => g.EndAsync("user"));
        }

        return TypedResults.Ok(ConversationView.From((await store.FindAsync(id, cancellationToken))!));
    }

    private static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> SetSummaryAsync(
        string id, SummaryRequest request, ClaimsPrincipal principal, ConversationStore store, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Summary) || request.Summary.Length > 8000)
        {
            return Problems.Validation("summary is required (at most 8000 characters).");
        }

        var record = await FindOwnAsync(id, principal, store, cancellationToken);
        if (record is null)
        {
            return Problems.ConversationNotFound(id);
        }

        if (record.Status != ConversationStatus.Ended || !await store.SetEndedSummaryAsync(id, request.Summary, cancellationToken))
        {
            if (!await WithGrainAsync(grains, id, g => g.SetSummaryAsync(request.Summary)))
            {
                // It ended meanwhile: no grain writes it any more.
                await store.SetEndedSummaryAsync(id, request.Summary, cancellationToken);
            }
        }

        return TypedResults.Ok(ConversationView.From((await store.FindAsync(id, cancellationToken))!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal principal, ConversationStore store, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var record = await FindOwnAsync(id, principal, store, cancellationToken);
        if (record is null)
        {
            return Problems.ConversationNotFound(id);
        }

        if (record.Status != ConversationStatus.Ended)
        {
            // End it first (closes the client and the upstream, charges the clock): ended conversations are never activated again.
            await WithGrainAsync(grains, id, g => g.EndAsync("deleted"));
        }

        await store.DeleteEndedAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Calls the conversation's grain on whichever silo it lives; false when it has ended (it cannot activate any more).</summary>
    private static async Task<bool> WithGrainAsync(IGrainFactory grains, string id, Func<IConversationGrain, Task> call)
    {
        try
        {
            await call(grains.GetGrain<IConversationGrain>(id));
            return true;
        }
        catch (ConversationEndedException)
        {
            return false;
        }
    }

    /// <summary>The conversation if it exists and belongs to the caller; another user's is treated as missing (404, not 403).</summary>
    internal static async Task<ConversationRecord?> FindOwnAsync(string id, ClaimsPrincipal principal, ConversationStore store, CancellationToken cancellationToken)
    {
        if (!IsConversationId(id))
        {
            return null; // A NUL or a control character can be in no stored id (PostgreSQL text cannot even hold a NUL).
        }

        var record = await store.FindAsync(id, cancellationToken);
        return record is not null && string.Equals(record.UserId, ConversationsUser.From(principal).Id, StringComparison.Ordinal) ? record : null;
    }

    /// <summary>Whether <paramref name="id"/> could name a stored conversation: 1–128 printable characters.</summary>
    internal static bool IsConversationId(string id) => id.Length is > 0 and <= 128 && ConversationsUser.IsPrintable(id);
}
