using Conversations.Domain;
using Conversations.Domain.Characters;
using Conversations.Domain.Cost;
using Conversations.Domain.Emergency;
using Conversations.Domain.Summaries;
using Conversations.Domain.Tiers;
using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Conversations.Grains.Policies;
using Conversations.Grains.Telemetry;
using Conversations.Grains.Upstream;
using Conversations.Runtime.Activation;
using Conversations.Runtime.Hosting;
using Conversations.Runtime.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Conversations.Grains.Conversations;

/// <summary>
/// One conversation: owns its upstream realtime session, its attached client and its transcript. Everything it does
/// happens in mailbox turns — client frames, upstream events and timers are all posted in — so it takes no locks.
/// </summary>
public sealed partial class ConversationGrain(
    ConversationStore store,
    UsageStore usage,
    AlertStore alerts,
    EventFeed feed,
    NodeIdentity node,
    CharacterCatalog characters,
    TierCatalog tiers,
    PriceTable prices,
    CrisisResources resources,
    ModerationScreen moderation,
    ConversationSummarizer summarizer,
    AlertSignal alertSignal,
    UpstreamConnector connector,
    IOptions<UpstreamOptions> upstreamOptions,
    IOptions<ConversationOptions> conversationOptions,
    ConversationMetrics metrics,
    TimeProvider time,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain
{
    private readonly OutputAudioLedger _sentAudio = new();
    private readonly HashSet<string> _seededItems = new(StringComparer.Ordinal);
    private ConversationRecord _record = null!;
    private Character _character = null!;
    private Tier _tier = null!;
    private long _lastSeq;
    private UpstreamSession? _upstream;
    private CancellationTokenSource? _upstreamLifetime;
    private IClientChannel? _client;
    private BinaryData? _sessionCreated;

    /// <summary>What is left of the conversation's time (per-conversation limit minus the time used).</summary>
    private int MaxDurationSeconds => (int)Math.Max(0, _tier.MaxSecondsPerConversation - _record.UsedSeconds);

    /// <summary>A conversation with a client attached is never idle-collected, however quiet.</summary>
    public override bool MayCollectWhenIdle => _client is null;

    public override async ValueTask OnActivateAsync(CancellationToken cancellationToken)
    {
        using var activity = ConversationActivities.Start("conversation.activate", Context.Key);
        activity?.SetTag("conversation.epoch", Context.Fence.Epoch);
        _record = await store.FindAsync(Context.Key, cancellationToken) ?? throw new ConversationNotFoundException(Context.Key);
        if (_record.Status == ConversationStatus.Ended)
        {
            throw new ConversationEndedException(Context.Key);
        }

        _character = characters.TryGet(_record.CharacterId, out var character)
            ? character
            : throw new InvalidOperationException($"Conversation {Context.Key} uses character '{_record.CharacterId}', which is no longer configured.");
        _tier = tiers.Resolve(_record.Tier);
        _emergency = EmergencyLevel.FromStored(_record.EmergencyLevel, EmergencyCategoryNames.ParseWireName(_record.EmergencyCategory));
        _lastSeq = await store.LastSeqAsync(Context.Key, cancellationToken);
        var tick = conversationOptions.Value.QuotaTickInterval;
        Context.RegisterTimer(QuotaTickAsync, tick, tick);
        metrics.ActiveConversations.Add(1);
    }

    public override async ValueTask OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ActiveConversations.Add(-1);
        if (_client is not null && reason != DeactivationReason.LeaseLost)
        {
            await ChargeClockAsync(stop: true);
        }

        if (_client is not null)
        {
            // The client reconnects and resumes on whichever node activates the conversation next.
            _client.Close(CloseCodes.TryAgain, reason == DeactivationReason.NodeShutdown ? "node shutting down" : "conversation moved");
            _client = null;
        }

        await CloseUpstreamAsync();
    }

    public async ValueTask AttachAsync(IClientChannel client, long? resumeFromSeq)
    {
        using var activity = ConversationActivities.Start("conversation.attach", Context.Key);
        activity?.SetTag("conversation.resume_from_seq", resumeFromSeq);
        if (!await EnsureUpstreamAsync())
        {
            client.SendEvent(ServerEvents.Error("server_error", "upstream_unavailable", "The conversation's model could not be reached; try again shortly."));
            client.Close(CloseCodes.TryAgain, "upstream unavailable");
            return;
        }

        if (_client is not null && !ReferenceEquals(_client, client))
        {
            _client.Close(CloseCodes.Normal, "replaced by a newer connection");
        }

        var resumed = _record.Status == ConversationStatus.Active;
        if (!resumed)
        {
            _record = await store.SaveAsync(Context.Fence, _record with { Status = ConversationStatus.Active });
        }

        if (_client is null)
        {
            StartClock();
        }

        _client = client;
        await PublishAsync(resumed ? "resumed" : "started", w =>
        {
            w.WriteString("character_id", _character.Id);
            w.WriteString("user_id", _record.UserId);
            w.WriteString("started_at", _record.CreatedAt);
        });
        if (_sessionCreated is not null)
        {
            client.SendEvent(_sessionCreated);
        }

        client.SendEvent(ServerEvents.Attached(resumed, _record.Id, _character.Id, MaxDurationSeconds, _lastSeq, node.Id));
        if (_emergency.Value >= 2)
        {
            SendEmergencyToClient();
        }

        if (resumeFromSeq is long after && after < _lastSeq)
        {
            // In this turn no entry can be appended, so replay and live events neither overlap nor leave a gap.
            foreach (var entry in await store.ReadTranscriptAsync(_record.Id, after, int.MaxValue))
            {
                client.SendEvent(ServerEvents.Transcript(entry));
            }
        }
    }

    public async ValueTask DetachAsync(IClientChannel client)
    {
        if (ReferenceEquals(_client, client))
        {
            // The clock stops while no client is attached.
            await ChargeClockAsync(stop: true);
            _client = null;
            await PublishAsync("detached", _ => { });
        }
    }

    public async ValueTask EndAsync(string reason)
    {
        using var activity = ConversationActivities.Start("conversation.end", Context.Key);
        activity?.SetTag("conversation.end_reason", reason);
        var summaryPending = false;
        if (_record.Status != ConversationStatus.Ended)
        {
            await ChargeClockAsync(stop: true);
            var ownSummary = _record.Summary is not null; // set by the client: kept as it is
            var transcript = await store.ReadTranscriptAsync(_record.Id, 0, int.MaxValue);
            _record = await store.SaveAsync(Context.Fence, _record with
            {
                Status = ConversationStatus.Ended,
                EndedAt = time.GetUtcNow(),
                EndReason = reason,
                Summary = _record.Summary ?? (transcript.Count > 0 ? ExtractiveSummarizer.Summarize(transcript) : null),
            });
            await PublishAsync("ended", w => w.WriteString("reason", reason));
            if (transcript.Count > 0 && !ownSummary && summarizer.CanSummarize(_character))
            {
                // The extractive summary is there now; the model's replaces it when it answers.
                summaryPending = true;
                var (id, character) = (_record.Id, _character);
                _ = Task.Run(() => summarizer.SummarizeAsync(id, character, transcript, CancellationToken.None), CancellationToken.None);
            }
        }

        if (_client is not null)
        {
            _client.SendEvent(ServerEvents.Ended(reason, summaryPending));
            _client.Close(CloseCodes.Normal, "conversation ended");
            _client = null;
        }

        await CloseUpstreamAsync();
        Context.Deactivate();
    }

    /// <summary>Sets the summary (the client's own, over REST); an ended conversation's is set by the store directly.</summary>
    public async ValueTask SetSummaryAsync(string summary) =>
        _record = await store.SaveAsync(Context.Fence, _record with { Summary = summary });

    /// <summary>An informational event on the cluster feed (dashboards, supervisors).</summary>
    private Task PublishAsync(string kind, Action<System.Text.Json.Utf8JsonWriter> payload) =>
        feed.AppendAsync(_record.Id, kind, node.Id, payload);

    /// <summary>Appends a durable transcript entry, then tells the client (never before it is durable).</summary>
    private async Task<TranscriptEntry> AppendTranscriptAsync(Speaker role, string text, string? itemId)
    {
        var entry = new TranscriptEntry(_lastSeq + 1, role, text, time.GetUtcNow(), itemId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AppendTranscriptAsync(Context.Fence, entry);
                break;
            }
            catch (NpgsqlException e) when (e.IsTransient && attempt < 3)
            {
                // Same seq on retry: if the first attempt did commit, the primary key makes this one a no-op.
                logger.LogWarning(e, "{Conversation}: transcript append failed, retrying", _record.Id);
            }
        }

        _lastSeq = entry.Seq;
        _client?.SendEvent(ServerEvents.Transcript(entry));
        if (role == Speaker.User)
        {
            await ScreenAsync(entry);
        }

        return entry;
    }
}
