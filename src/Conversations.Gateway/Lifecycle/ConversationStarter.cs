using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;
using Conversations.Gateway.Auth;
using Conversations.Grains.Persistence;
using Conversations.Grains.Telemetry;

namespace Conversations.Gateway.Lifecycle;

/// <summary>Starts a conversation for a user within the month's limits (REST create and <c>/v1/realtime?model=</c> alike).</summary>
public sealed class ConversationStarter(UsageStore usage, TierCatalog tiers, ConversationMetrics metrics, TimeProvider time)
{
    public async Task<StartedConversation> StartAsync(ConversationsUser user, Character character, CancellationToken cancellationToken)
    {
        var tier = tiers.Resolve(user.Tier);
        var (record, decision, ledger) = await usage.StartAsync(ConversationStore.NewId(), user.Id, character, tier, UsagePeriod.For(time.GetUtcNow()), cancellationToken);
        if (record is null)
        {
            metrics.QuotaRefusals.Add(1, new KeyValuePair<string, object?>("limit", decision.Limit is { } l ? l.WireName() : decision.Code));
        }

        return new StartedConversation(record, decision, (int)QuotaPolicy.MaxDurationSeconds(ledger, tier));
    }
}

/// <summary>The new conversation, or the decision that refused it; and how long it may last.</summary>
public sealed record StartedConversation(ConversationRecord? Record, StartDecision Decision, int MaxDurationSeconds);
