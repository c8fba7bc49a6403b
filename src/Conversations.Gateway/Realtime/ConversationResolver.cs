using Conversations.Domain.Characters;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Lifecycle;
using Conversations.Grains.Conversations;
using Conversations.Grains.Persistence;
using Conversations.Runtime.Activation;
using Conversations.Runtime.Hosting;
using Conversations.Runtime.Membership;
using Microsoft.Extensions.Options;

namespace Conversations.Gateway.Realtime;

/// <summary>
/// Where a client's conversation is served (DESIGN.md §4.3): here, if this node owns or can activate it; on the node
/// holding its live lease, through a byte-for-byte proxy; or nowhere, with the reason. A dead owner is waited out
/// until the cluster declares it dead and its lease can be taken.
/// </summary>
public sealed class ConversationResolver(
    ConversationStore store,
    CharacterCatalog characters,
    ConversationStarter starter,
    ActivationCatalog catalog,
    ClusterMembership membership,
    NodeIdentity node,
    IOptions<GatewayOptions> options,
    IOptions<RuntimeOptions> runtime)
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(250);

    public async Task<Resolution> ResolveAsync(ConversationsUser user, string? model, string? conversationId, bool forwarded, CancellationToken cancellationToken)
    {
        if (model is not null)
        {
            if (!characters.TryGet(model, out var character))
            {
                return Resolution.Refuse(CloseCodes.Policy, "unknown_character", $"There is no character '{model}'.");
            }

            if (membership.IsDraining)
            {
                return OtherNode() is { } elsewhere ? new Resolution.Proxy(elsewhere) : Resolution.Busy();
            }

            var started = await starter.StartAsync(user, character, cancellationToken);
            if (started.Record is null)
            {
                return Resolution.Refuse(CloseCodes.Policy, started.Decision.Code ?? "quota_exceeded", started.Decision.Detail ?? "A monthly limit is used up.");
            }

            conversationId = started.Record.Id;
        }
        else
        {
            var record = await store.FindAsync(conversationId!, cancellationToken);
            if (record is null || !string.Equals(record.UserId, user.Id, StringComparison.Ordinal))
            {
                // Another user's conversation is indistinguishable from a missing one.
                return Resolution.Refuse(CloseCodes.UnknownConversation, "conversation_not_found", $"There is no conversation '{conversationId}'.");
            }

            if (record.Status == ConversationStatus.Ended)
            {
                return Resolution.Ended();
            }
        }

        var deadline = DateTime.UtcNow + options.Value.OwnerTakeoverWait;
        while (true)
        {
            try
            {
                return new Resolution.Local(await catalog.GetAsync<ConversationGrain>(conversationId!, cancellationToken));
            }
            catch (ConversationEndedException)
            {
                return Resolution.Ended();
            }
            catch (ConversationNotFoundException)
            {
                return Resolution.Refuse(CloseCodes.UnknownConversation, "conversation_not_found", $"There is no conversation '{conversationId}'.");
            }
            catch (NodeDrainingException)
            {
                // This node is leaving: hand the client to a node that stays.
                return OtherNode() is { } elsewhere && !forwarded ? new Resolution.Proxy(elsewhere) : Resolution.Busy();
            }
            catch (GrainOwnedElsewhereException e) when (e.Owner is { Address: { } address } && !forwarded && LooksAlive(e.Owner.NodeId))
            {
                return new Resolution.Proxy(address);
            }
            catch (GrainOwnedElsewhereException) when (DateTime.UtcNow < deadline)
            {
                // The owner is not reachable as a member (it may be dead but not yet declared so): wait for its lease.
                await Task.Delay(RetryEvery, cancellationToken);
            }
            catch (GrainOwnedElsewhereException)
            {
                return Resolution.Busy();
            }
        }
    }

    /// <summary>Active with a recent heartbeat (as of this node's last read of the table, at most a heartbeat old).</summary>
    private bool LooksAlive(string nodeId) =>
        membership.Snapshot.Find(nodeId) is not { } entry
        || (entry.Status == NodeStatus.Active && entry.HeartbeatAge < runtime.Value.DeathTimeout / 2);

    private Uri? OtherNode() =>
        membership.Snapshot.Nodes
            .Where(n => n.Status == NodeStatus.Active && !string.Equals(n.NodeId, node.Id, StringComparison.Ordinal))
            .OrderBy(_ => Random.Shared.Next())
            .Select(n => n.Address)
            .FirstOrDefault();
}

/// <summary>How a connection is served.</summary>
public abstract record Resolution
{
    public static Resolution Refuse(int closeCode, string code, string message, string type = "invalid_request_error") =>
        new Refused(closeCode, type, code, message);

    public static Resolution Ended() => Refuse(CloseCodes.ConversationEnded, "conversation_ended", "The conversation has ended.");

    public static Resolution Busy() =>
        Refuse(CloseCodes.TryAgain, "conversation_busy", "The conversation is moving between nodes; reconnect to resume.", "server_error");

    /// <summary>This node serves it.</summary>
    public sealed record Local(GrainReference<ConversationGrain> Grain) : Resolution;

    /// <summary>Another node serves it: relay the socket there.</summary>
    public sealed record Proxy(Uri NodeAddress) : Resolution;

    /// <summary>Nobody will: an error event and this close code.</summary>
    public sealed record Refused(int CloseCode, string Type, string Code, string Message) : Resolution;
}
