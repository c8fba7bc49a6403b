using Conversations.Abstractions.Protocol;
using Conversations.Domain.Characters;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Lifecycle;
using Conversations.Grains.Persistence;

namespace Conversations.Gateway.Realtime;

/// <summary>
/// Which conversation a new client socket attaches to: a new one for <c>model=</c> (within the month's limits), or the
/// user's own <c>conversation_id=</c>; otherwise the refusal to send. Any silo serves any conversation through its grain.
/// </summary>
public sealed class ConversationResolver(ConversationStore store, CharacterCatalog characters, ConversationStarter starter)
{
    public async Task<Resolution> ResolveAsync(ConversationsUser user, string? model, string? conversationId, CancellationToken cancellationToken)
    {
        if (model is not null)
        {
            if (!characters.TryGet(model, out var character))
            {
                return Resolution.Refuse(CloseCodes.Policy, "unknown_character", $"There is no character '{model}'.");
            }

            var started = await starter.StartAsync(user, character, cancellationToken);
            return started.Record is { } record
                ? new Resolution.Attach(record.Id)
                : Resolution.Refuse(CloseCodes.Policy, started.Decision.Code ?? "quota_exceeded", RefusalMessage(started.Decision));
        }

        var stored = await store.FindAsync(conversationId!, cancellationToken);
        if (stored is null || !string.Equals(stored.UserId, user.Id, StringComparison.Ordinal))
        {
            // Another user's conversation is indistinguishable from a missing one.
            return Resolution.Refuse(CloseCodes.UnknownConversation, "conversation_not_found", $"There is no conversation '{conversationId}'.");
        }

        return stored.Status == ConversationStatus.Ended ? Resolution.Ended() : new Resolution.Attach(stored.Id);
    }

    /// <summary>The refusal names the limit as the REST problem's <c>limit</c> does, so a socket-only client can tell which.</summary>
    private static string RefusalMessage(Domain.Tiers.StartDecision decision) =>
        decision.Limit is { } limit
            ? $"{(decision.Detail ?? "A monthly limit is used up.").TrimEnd('.')} (limit: {Domain.Tiers.QuotaLimitNames.WireName(limit)})."
            : decision.Detail ?? "A monthly limit is used up.";
}

/// <summary>How a connection is served.</summary>
public abstract record Resolution
{
    public static Resolution Refuse(int closeCode, string code, string message, string type = "invalid_request_error") =>
        new Refused(closeCode, type, code, message);

    public static Resolution Ended() => Refuse(CloseCodes.ConversationEnded, "conversation_ended", "The conversation has ended.");

    /// <summary>Attach to this conversation's grain.</summary>
    public sealed record Attach(string ConversationId) : Resolution;

    /// <summary>Nobody will: an error event and this close code.</summary>
    public sealed record Refused(int CloseCode, string Type, string Code, string Message) : Resolution;
}
