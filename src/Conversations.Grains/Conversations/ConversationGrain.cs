using System.Runtime.CompilerServices;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Abstractions.Users;
using Conversations.Domain.Characters;
using Conversations.Domain.Cost;
using Conversations.Domain.Emergency;
using Conversations.Domain.Summaries;
using Conversations.Domain.Tiers;
using Conversations.Domain.Transcript;
using Conversations.Grains.Hosting;
using Conversations.Grains.Persistence;
using Conversations.Grains.Policies;
using Conversations.Grains.Supervision;
using Conversations.Grains.Telemetry;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Placement;
using Orleans.Storage;

namespace Conversations.Grains.Conversations;

/// <summary>
/// One conversation: activate (claim it, fencing out any older activation), attach a client, relay between it and the
/// upstream session, charge, escalate, end. Requests run one at a time; the upstream receive loop, the journal and the
/// client's event stream run on the same scheduler between them, so nothing here takes a lock.
/// </summary>
[PreferLocalPlacement]
public sealed partial class ConversationGrain(
    ConversationStore store,
    NpgsqlDataSource dataSource,
    SiloIdentity silo,
    CharacterCatalog characters,
    TierCatalog tiers,
    PriceTable prices,
    CrisisResources resources,
    ModerationScreen moderation,
    ConversationSummarizer summarizer,
    SupervisorVoice voice,
    AlertSignal alertSignal,
    UpstreamConnector connector,
    IOptions<UpstreamOptions> upstreamOptions,
    IOptions<ConversationOptions> conversationOptions,
    ConversationMetrics metrics,
    LocalConversations local,
    TimeProvider time,
    ILogger<ConversationGrain> logger) : Grain, IConversationGrain
{
    private ConversationRecord _record = null!;
    private ConversationJournal _journal = null!;
    private readonly SemaphoreSlim _attaching = new(1, 1);
    private bool _live;
    private ConversationNotices _notices = null!;
    private Character _character = null!;
    private Tier _tier = null!;
    private long _lastSeq;
    private long _durableSeq;
    private ClientConnection? _client;

    private string Id => this.GetPrimaryKeyString();

    /// <summary>What is left of the conversation's time (per-conversation limit minus the time used).</summary>
    private int MaxDurationSeconds => (int)Math.Max(0, _tier.MaxSecondsPerConversation - _record.UsedSeconds);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        using var activity = ConversationActivities.Start("conversation.activate", this.GetPrimaryKeyString());
        var stored = await store.FindAsync(this.GetPrimaryKeyString(), cancellationToken);
        if (stored is null || stored.Status == ConversationStatus.Ended)
        {
            // Ended or deleted: it only answers that (a late call, a client's old link), claims nothing, and is collected when idle.
            _record = stored!;
            return;
        }

        _record = await store.ClaimAsync(stored.Id, cancellationToken);
        _live = true;
        local.Add(_record.Id);
        activity?.SetTag("conversation.epoch", _record.Epoch);
        _journal = new ConversationJournal(dataSource, new Fence(_record.Id, _record.Epoch), metrics, logger, OnJournalHalted);
        _notices = new ConversationNotices(this.GetStreamProvider(Streams.ConversationStreams.ProviderName), _record.Id, logger);
        _character = characters.TryGet(_record.CharacterId, out var character)
            ? character
            : throw new InvalidOperationException($"Conversation {_record.Id} uses character '{_record.CharacterId}', which is no longer configured.");
        _tier = tiers.Resolve(_record.Tier);
        _emergency = EmergencyLevel.FromStored(_record.EmergencyLevel, EmergencyCategoryNames.ParseWireName(_record.EmergencyCategory));
        _lastSeq = _durableSeq = await store.LastSeqAsync(_record.Id, cancellationToken);
        await RestoreScreeningAsync(cancellationToken);
        RestoreLead();
        var tick = conversationOptions.Value.QuotaTickInterval;
        this.RegisterGrainTimer(QuotaTickAsync, new GrainTimerCreationOptions(tick, tick) { Interleave = true, KeepAlive = false });
        metrics.ActiveConversations.Add(1);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_live)
        {
            return;
        }

        metrics.ActiveConversations.Add(-1);
        local.Remove(Id);
        if (_client is { } client)
        {
            ChargeClock(stop: true);
            _client = null;
            LeaveUserPlace();
            client.Close(CloseCodes.TryAgain, reason.ReasonCode == DeactivationReasonCode.ShuttingDown ? "node shutting down" : "conversation moved; reconnect to resume");
            MarkAttached(false);
        }

        CloseSupervisors(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
        await CloseUpstreamAsync();
        try
        {
            await _journal.FlushAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("{Conversation}: deactivated with {Pending} journal writes not yet durable", Id, _journal.Pending);
        }

        _journal.StopRetrying();
    }

    public async IAsyncEnumerable<ServerEvent> AttachAsync(AttachRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = new ClientConnection(request.ConnectionId, request.BinaryAudio, conversationOptions.Value.ClientQueueCapacity, Math.Min(request.ResumeFromSeq ?? _durableSeq, _durableSeq));
        await OpenAsync(connection, request);
        try
        {
            await foreach (var item in connection.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            Detach(connection);
        }
    }

    /// <summary>Makes <paramref name="connection"/> the attached client: upstream ready, clock running, replay, then live.</summary>
    private async Task OpenAsync(ClientConnection connection, AttachRequest request)
    {
        // One attach at a time: each connection is fully set up (started, replay) before a newer one may replace it.
        await _attaching.WaitAsync();
        try
        {
            await OpenExclusiveAsync(connection, request);
        }
        finally
        {
            _attaching.Release();
        }
    }

    private async Task OpenExclusiveAsync(ClientConnection connection, AttachRequest request)
    {
        using var activity = ConversationActivities.Start("conversation.attach", Id);
        activity?.SetTag("conversation.resume_from_seq", request.ResumeFromSeq);
        if (_record is null || !string.Equals(request.UserId, _record.UserId, StringComparison.Ordinal))
        {
            // Another user's conversation is indistinguishable from a missing one.
            connection.SendJson(ServerEvents.InvalidRequest("conversation_not_found", $"There is no conversation '{Id}'."));
            connection.Close(CloseCodes.UnknownConversation, "conversation_not_found");
            return;
        }

        if (!_live || _record.Status == ConversationStatus.Ended)
        {
            connection.SendJson(ServerEvents.InvalidRequest("conversation_ended", "The conversation has ended."));
            connection.Close(CloseCodes.ConversationEnded, "conversation_ended");
            return;
        }

        var previous = _client;
        if (previous is null && !await GrainFactory.GetGrain<IUserGrain>(_record.UserId).TryAttachAsync(Id, _tier.MaxConcurrentConversations))
        {
            connection.SendJson(ServerEvents.Error(
                "invalid_request_error",
                "too_many_conversations",
                $"The {_tier.Id} tier allows {_tier.MaxConcurrentConversations} conversations open at once; leave or end one first.",
                param: "max_concurrent_conversations"));
            connection.Close(CloseCodes.Policy, "too_many_conversations");
            return;
        }

        _client = connection;
        if (previous is not null)
        {
            previous.Close(CloseCodes.Normal, "replaced by a newer connection");
        }
        else
        {
            StartClock();
        }

        KeepWhileAttended();

        // The client hears at once that the conversation is back (what is durable, replayed); the upstream session
        // opens right after, and frames sent meanwhile wait for it.
        connection.BeginReplay();
        var sessionKnown = _sessionCreated is not null; // Otherwise the new upstream's own session.created reaches this client.
        var resumed = _record.Status == ConversationStatus.Active;
        if (!resumed)
        {
            _record = _record with { Status = ConversationStatus.Active };
            var state = _record;
            _journal.Append((tx, ct) => ConversationStore.SaveAsync(tx, state, ct), saved => _record = _record with { Status = saved.Status });
        }

        MarkAttached(true);
        Publish(resumed ? "resumed" : "started", w =>
        {
            w.WriteString("character_id", _character.Id);
            w.WriteString("user_id", _record.UserId);
            w.WriteString("started_at", _record.CreatedAt);
        });
        if (sessionKnown && _sessionCreated is { } created)
        {
            connection.SendJson(created);
        }

        connection.SendJson(ServerEvents.Attached(resumed, Id, _character.Id, MaxDurationSeconds, _durableSeq, silo.Id));
        if (_lead is not null)
        {
            connection.SendJson(HumanJoined());
        }

        PublishSupervisionState();
        if (_emergency.Value >= 2)
        {
            SendEmergency(connection);
        }

        var replay = request.ResumeFromSeq is long after && after < _durableSeq
            ? await store.ReadTranscriptAsync(Id, after, int.MaxValue)
            : [];
        connection.EndReplay(replay);
        if (!await EnsureUpstreamAsync() && ReferenceEquals(_client, connection))
        {
            connection.SendJson(ServerEvents.Error("server_error", "upstream_unavailable", "The conversation's model could not be reached; try again shortly."));
            connection.Close(CloseCodes.TryAgain, "upstream unavailable");
        }
    }

    private void Detach(ClientConnection connection)
    {
        if (!ReferenceEquals(_client, connection))
        {
            return;
        }

        // The clock stops while no client is attached, and the activation may be collected when idle.
        ChargeClock(stop: true);
        _client = null;
        LeaveUserPlace();
        MarkAttached(false);
        Publish("detached", _ => { });
        PublishSupervisionState();
        KeepWhileAttended();
    }

    public async Task EndAsync(string reason)
    {
        using var activity = ConversationActivities.Start("conversation.end", Id);
        activity?.SetTag("conversation.end_reason", reason);
        var summaryPending = false;
        if (!_live)
        {
            return;
        }

        if (_record.Status != ConversationStatus.Ended)
        {
            _endingReason ??= reason;
            ChargeClock(stop: true);
            await _journal.FlushAsync();
            ThrowIfHalted();
            var ownSummary = _record.Summary is not null; // set by the client: kept as it is
            var transcript = await store.ReadTranscriptAsync(Id, 0, int.MaxValue);
            var ended = _record with
            {
                Status = ConversationStatus.Ended,
                EndedAt = time.GetUtcNow(),
                EndReason = reason,
                Summary = _record.Summary ?? (transcript.Count > 0 ? ExtractiveSummarizer.Summarize(transcript) : null),
            };
            _record = await _journal.WriteAsync(async (tx, ct) =>
            {
                var saved = await ConversationStore.SaveAsync(tx, ended, ct);
                await Streams.EventFeed.AppendAsync(tx, Id, "ended", silo.Id, w => w.WriteString("reason", reason), ct);
                return saved;
            });
            _notices.Feed("ended");
            if (transcript.Count > 0 && !ownSummary && summarizer.CanSummarize(_character))
            {
                // The extractive summary is there now; the model's replaces it when it answers.
                summaryPending = true;
                var (id, character) = (Id, _character);
                _ = Task.Run(() => summarizer.SummarizeAsync(id, character, transcript, CancellationToken.None), CancellationToken.None);
            }
        }

        if (_client is { } client)
        {
            _client = null;
            LeaveUserPlace();
            client.SendJson(ServerEvents.Ended(reason, summaryPending));
            client.Close(CloseCodes.Normal, "conversation ended");
        }

        CloseSupervisors(CloseCodes.Normal, "conversation ended");
        await CloseUpstreamAsync();

        // Collected when idle, not at once: the client's last calls (reading the close, disposing its stream) still reach this activation.
        DelayDeactivation(TimeSpan.Zero);
    }

    public Task HandOverAsync()
    {
        if (_client is { } client)
        {
            ChargeClock(stop: true);
            _client = null;
            LeaveUserPlace();
            client.Close(CloseCodes.TryAgain, "node shutting down; reconnect to resume");
            MarkAttached(false);
        }

        CloseSupervisors(CloseCodes.TryAgain, "node shutting down; reconnect to resume");
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task SetSummaryAsync(string summary)
    {
        if (!_live || _record.Status == ConversationStatus.Ended)
        {
            // No activation writes an ended conversation any more: the summary goes to the row directly.
            await store.SetEndedSummaryAsync(Id, summary);
            return;
        }

        var state = _record with { Summary = summary };
        _record = await _journal.WriteAsync((tx, ct) => ConversationStore.SaveAsync(tx, state, ct));
    }

    /// <summary>Appends a transcript entry; it is announced (client, stream) once durable, in seq order.</summary>
    private TranscriptEntry AppendTranscript(Speaker role, string text, string? itemId, string? speakerId = null)
    {
        using var activity = ConversationActivities.Start("transcript.append", Id);
        var entry = new TranscriptEntry(++_lastSeq, role, text, time.GetUtcNow(), itemId, speakerId);
        activity?.SetTag("transcript.seq", entry.Seq);
        var assessment = role is Speaker.User or Speaker.Tool ? Screen(entry) : null; // Whatever a client gives the model.
        var raise = assessment is not null && _emergency.IsRaisedBy(assessment) ? _emergency.Raise(assessment) : (EmergencyLevel?)null;
        var conversation = _record;
        _journal.Append(
            async (tx, ct) =>
            {
                await ConversationStore.AppendTranscriptAsync(tx, conversation.Id, entry, ct);
                return raise is { } level ? await AlertStore.RaiseAsync(tx, conversation, level, entry.Text, entry.Seq, silo.Id, ct) : default;
            },
            raised =>
            {
                _durableSeq = entry.Seq;
                _client?.SendTranscript(entry);
                foreach (var supervisor in _supervisors.Values)
                {
                    supervisor.Connection.SendTranscript(entry);
                }

                _notices.Transcript(entry);
                if (raise is not null)
                {
                    OnEmergencyStored(raised.Conversation, raised.Alert);
                }
            });
        if (raise is { } raisedLevel)
        {
            ApplyEmergency(raisedLevel);
        }

        return entry;
    }

    /// <summary>An informational event on the supervisors' feed, written in its own journal transaction.</summary>
    private void Publish(string kind, Action<System.Text.Json.Utf8JsonWriter> payload) =>
        _journal.Append(async (tx, ct) => { await Streams.EventFeed.AppendAsync(tx, Id, kind, silo.Id, payload, ct); return 0; }, _ => _notices.Feed(kind));

    /// <summary>Records where the client is for the dashboard (attached, on which silo, since when).</summary>
    private void MarkAttached(bool attached) =>
        _journal.Append((tx, ct) => ConversationStore.SetAttachmentAsync(tx, Id, attached, silo.Id, ct), saved => _record = _record with
        {
            Attached = saved.Attached,
            Silo = saved.Silo,
            AttachedAt = saved.AttachedAt,
            DetachedAt = saved.DetachedAt,
        });

    /// <summary>Closes every supervisor's socket (they join again wherever the conversation goes next).</summary>
    private void CloseSupervisors(int code, string reason)
    {
        foreach (var supervisor in _supervisors.Values)
        {
            supervisor.Connection.Close(code, reason);
        }
    }

    /// <summary>Gives back this conversation's place among the user's attached conversations (the tier's cap).</summary>
    private void LeaveUserPlace() => Run(GrainFactory.GetGrain<IUserGrain>(_record.UserId).DetachAsync(Id), "leaving the user's attached conversations");

    /// <summary>The journal refused a write: this activation is stale (or failing). It stops and deactivates; it never retries.</summary>
    private void OnJournalHalted(Exception reason)
    {
        if (_client is { } client)
        {
            _client = null;
            LeaveUserPlace();
            client.Close(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
        }

        _clockMark = 0;
        CloseSupervisors(CloseCodes.TryAgain, "conversation moved; reconnect to resume");
        Run(CloseUpstreamAsync(), "closing the upstream of a halted activation");
        DeactivateOnIdle();
    }

    private void ThrowIfHalted()
    {
        if (_journal.IsHalted)
        {
            throw new InconsistentStateException($"Conversation {Id}: this activation can no longer write.");
        }
    }

    /// <summary>Runs background work on the grain's scheduler and logs its failure (nothing is awaited on the relay path).</summary>
    private void Run(Task work, string what) =>
        _ = work.ContinueWith(
            t => logger.LogWarning(t.Exception, "{Conversation}: {What} failed", _record?.Id, what),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Current);
}
