using System.Diagnostics;
using System.Text.Json;
using Conversations.Abstractions.Protocol;
using Conversations.Domain.Emergency;
using Conversations.Domain.Tiers;
using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Conversations.Grains.Telemetry;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Conversations;

// Policies in a live conversation: the quota clock, cost per response, emergency levels and their actions, and the
// answers the grain itself asks for (a closing line, a safety message).
public sealed partial class ConversationGrain
{
    private const string PurposeField = "conversations_purpose";
    private const string SafetyPurpose = "safety";
    private const string ClosingPurpose = "closing";

    private readonly HashSet<string> _suppressedResponses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _ownResponses = new(StringComparer.Ordinal);
    private EmergencyLevel _emergency;
    private EmergencyContext _screening = new();
    private long _clockMark;
    private long _clockCarry;
    private long _charges;
    private bool _warned;
    private string? _endingReason;
    private IGrainTimer? _closingTimeout;
    private string? _activeResponseId;
    private string? _pendingSafetyText;
    private long _speechStoppedAt;
    private bool _awaitingSpokenTurnResponse; // speech stopped; the next model response answers it
    private byte[]? _spokenTurnResponseId; // that response, until its first audio is heard
    private double? _timeToFirstAudioMs;
    private RelayLatencySamples? _relayLatencySamples;

    private RelayLatencySamples RelayLatency => _relayLatencySamples ??= new RelayLatencySamples(metrics.RelayLatency);

    /// <summary>Starts the clock when a client attaches: the conversation's time runs only while someone is there.</summary>
    private void StartClock()
    {
        _clockMark = Stopwatch.GetTimestamp();
        _clockCarry = 0;
    }

    private Task QuotaTickAsync(CancellationToken cancellationToken)
    {
        if (_client is not null && _endingReason is null)
        {
            ChargeClock(stop: false);
            Run(GrainFactory.GetGrain<Abstractions.Users.IUserGrain>(_record.UserId).RenewAsync(Id), "renewing the user's attached conversation");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Charges the whole seconds elapsed since the last charge (the fraction carries to the next), to the conversation
    /// and the user's month together, through the journal. Each charge has its own key, so a retry never charges twice.
    /// </summary>
    private void ChargeClock(bool stop)
    {
        if (_clockMark == 0 || _journal.IsHalted)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        _clockCarry += now - _clockMark;
        _clockMark = stop ? 0 : now;
        var seconds = _clockCarry / Stopwatch.Frequency;
        if (seconds == 0)
        {
            return;
        }

        _clockCarry -= seconds * Stopwatch.Frequency;
        var (conversation, tier, period) = (_record, _tier, UsagePeriod.For(time.GetUtcNow()));
        var key = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{conversation.Epoch}:{++_charges}");
        if (_lead is not null)
        {
            // A human leads: the time is recorded apart and the tier's AI time is not consumed.
            _journal.Append((tx, ct) => UsageStore.RecordHumanTimeAsync(tx, conversation, seconds, key, period, ct), recorded =>
            {
                if (recorded is not null)
                {
                    _record = _record with { HumanSeconds = recorded.HumanSeconds };
                }
            });
            return;
        }

        _journal.Append((tx, ct) => UsageStore.ChargeTimeAsync(tx, conversation, tier, seconds, key, period, silo.Id, ct), charge =>
        {
            if (charge is not null)
            {
                _record = _record with { UsedSeconds = charge.Conversation.UsedSeconds, CostUsd = charge.Conversation.CostUsd };
                _notices.Feed("quota");
                ApplyQuota(charge.Decision, charge.Ledger);
            }
        });
    }

    /// <summary>Tells the client where the quota stands, warns once near the limit, and closes at it.</summary>
    private void ApplyQuota(QuotaDecision decision, UsageLedger ledger)
    {
        var warning = decision is QuotaDecision.Warn && !_warned;
        _warned |= warning;
        _client?.SendJson(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversations.quota"u8);
            w.WriteString("event_id"u8, ServerEvents.NewEventId());
            w.WriteNumber("used_seconds"u8, _record.UsedSeconds);
            w.WriteNumber("remaining_seconds"u8, decision.RemainingSeconds);
            w.WriteNumber("cost_usd"u8, _record.CostUsd);
            w.WriteNumber("monthly_used_seconds"u8, ledger.Seconds);
            w.WriteBoolean("warning"u8, warning);
            if (warning)
            {
                w.WriteString("limit"u8, decision.BindingLimit.WireName());
            }
        }));
        if (decision is QuotaDecision.End end)
        {
            metrics.QuotaRefusals.Add(1, new KeyValuePair<string, object?>("limit", end.BindingLimit.WireName()));
            Run(BeginClosingAsync(end.Reason), "closing at the quota limit");
        }
    }

    /// <summary>Ends the conversation gracefully: the character says its closing line, then <c>conversations.ended</c>.</summary>
    private async Task BeginClosingAsync(string reason)
    {
        if (_endingReason is not null)
        {
            return;
        }

        _endingReason = reason;
        ChargeClock(stop: true);
        if (_client is null || _upstream is null)
        {
            await EndAsync(reason);
            return;
        }

        await SayAsync(_character.ClosingLine(), ClosingPurpose);
        _closingTimeout = this.RegisterGrainTimer(
            _ => FinishClosingAsync(),
            new GrainTimerCreationOptions(conversationOptions.Value.ClosingLineTimeout, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
    }

    private async Task FinishClosingAsync()
    {
        _closingTimeout?.Dispose();
        _closingTimeout = null;
        if (_endingReason is not null && _record.Status != ConversationStatus.Ended)
        {
            await EndAsync(_endingReason);
        }
    }

    /// <summary>
    /// Assesses an utterance as it is appended (the detector is pure and fast). A user's is read with the user's
    /// utterances before it (<see cref="EmergencyContext"/>), so a plan stated over two turns counts; a tool's output is
    /// read alone and does not join the user's context. The moderation stage, when on, gives its second opinion off the
    /// relay path and raises the level later if it sees more.
    /// </summary>
    private EmergencyAssessment Screen(TranscriptEntry entry)
    {
        var language = _character.Language;
        if (moderation.IsEnabled)
        {
            Run(ModerateAsync(entry, language), "the moderation stage");
        }

        return entry.Role == Speaker.User ? _screening.Assess(entry.Text, language) : EmergencyDetector.Assess(entry.Text, language);
    }

    /// <summary>
    /// The screening context of this activation, rebuilt from what is durable (after a failover or a move): the user's
    /// last utterances and the stored level. Nothing is assessed again; the next utterance is read with these.
    /// </summary>
    private async Task RestoreScreeningAsync(CancellationToken cancellationToken)
    {
        var recent = await store.RecentUserTextsAsync(_record.Id, EmergencyContext.Turns - 1, cancellationToken);
        _screening = new EmergencyContext(recent, _emergency);
    }

    private async Task ModerateAsync(TranscriptEntry entry, string language)
    {
        var verdict = await moderation.AssessAsync(entry.Text, language, CancellationToken.None);
        if (verdict is { IsConcern: true } && _emergency.IsRaisedBy(verdict) && _record.Status != ConversationStatus.Ended && !_journal.IsHalted)
        {
            var level = _emergency.Raise(verdict);
            var conversation = _record;
            _journal.Append((tx, ct) => AlertStore.RaiseAsync(tx, conversation, level, entry.Text, entry.Seq, silo.Id, ct), stored => OnEmergencyStored(stored.Conversation, stored.Alert));
            ApplyEmergency(level);
        }
    }

    /// <summary>Acts on a raised level at once (the alert is written with the entry): tell the client, guide or replace the model's answer.</summary>
    private void ApplyEmergency(EmergencyLevel level)
    {
        using var activity = ConversationActivities.Start("conversation.emergency.raise", Id);
        _emergency = level;
        activity?.SetTag("emergency.level", level.Value);
        activity?.SetTag("emergency.category", level.Category.WireName());
        metrics.EmergencyLevelsRaised.Add(1, new KeyValuePair<string, object?>("level", level.Value), new KeyValuePair<string, object?>("category", level.Category.WireName()));
        if (level.Value >= 2 && _client is { } client)
        {
            SendEmergency(client);
        }

        if (level.Value >= 3 && _lead is null)
        {
            // (While a human counsellor leads, they answer; the AI's safety message is for the AI's answers.)
            _pendingSafetyText = resources.SafetyMessage(level.Category, _character.Language, conversationOptions.Value.Locale);
            if (_activeResponseId is not null && !_ownResponses.ContainsKey(_activeResponseId))
            {
                // The model already answers this utterance: that answer is replaced.
                Run(SayPendingSafetyMessageAsync(), "replacing the answer with the safety message");
            }
        }
        else if (_upstream is { } upstream)
        {
            Run(upstream.SendAsync(UpstreamEvents.SessionUpdate(_character, upstreamOptions.Value.TranscriptionModel, EmergencyGuidance.For(level))), "guiding the model");
        }
    }

    /// <summary>The raised level and its alert are durable: supervisors hear of it.</summary>
    private void OnEmergencyStored(ConversationRecord stored, Persistence.EmergencyAlert? alert)
    {
        _record = _record with { EmergencyLevel = stored.EmergencyLevel, EmergencyCategory = stored.EmergencyCategory, Flagged = stored.Flagged };
        _notices.Feed("emergency");
        logger.LogWarning("{Conversation}: emergency level {Level} ({Category}); alert {Alert}", Id, stored.EmergencyLevel, stored.EmergencyCategory, alert?.Id);
        if (alert is not null)
        {
            alertSignal.Pulse();
        }
    }

    private void SendEmergency(ClientConnection client)
    {
        var locale = conversationOptions.Value.Locale ?? _character.Language;
        client.SendJson(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversations.emergency"u8);
            w.WriteString("event_id"u8, ServerEvents.NewEventId());
            w.WriteNumber("level"u8, _emergency.Value);
            w.WriteString("category"u8, _emergency.Category.WireName());
            w.WriteStartArray("resources"u8);
            foreach (var resource in resources.For(locale))
            {
                w.WriteStartObject();
                w.WriteString("name"u8, resource.Name);
                w.WriteString("phone"u8, resource.Phone);
                if (resource.Url is not null)
                {
                    w.WriteString("url"u8, resource.Url);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("message"u8, resources.SafetyMessage(_emergency.Category, _character.Language, locale));
        }));
    }

    private async Task SayPendingSafetyMessageAsync()
    {
        var text = _pendingSafetyText;
        _pendingSafetyText = null;
        if (text is not null)
        {
            await SayAsync(text, SafetyPurpose);
        }
    }

    /// <summary>
    /// Has the character say <paramref name="text"/> verbatim in its own voice, replacing any answer in progress. The
    /// response carries <c>metadata.conversations_purpose</c> so its events are told apart from the model's own.
    /// </summary>
    private async Task SayAsync(string text, string purpose)
    {
        if (_upstream is null)
        {
            return;
        }

        if (_activeResponseId is { } active && !_ownResponses.ContainsKey(active))
        {
            _suppressedResponses.Add(active);
            await _upstream.SendAsync(new BinaryData(ServerEvents.Write(w => w.WriteString("type"u8, "response.cancel"u8))));
        }

        await _upstream.SendAsync(UpstreamEvents.SayExactly(text, PurposeField, purpose));
    }

    /// <summary>
    /// Looks at response lifecycle events before they are relayed. Returns false when the event belongs to an answer
    /// the grain replaced and must not reach the client or the transcript.
    /// </summary>
    private Task<bool> TrackResponseAsync(BinaryData data, EventHeader header)
    {
        if (header.Is("response.created"u8))
        {
            return OnResponseCreatedAsync(data);
        }

        if (header.Is("response.done"u8))
        {
            return OnResponseDoneAsync(data);
        }

        if (header.Is("input_audio_buffer.speech_stopped"u8))
        {
            _speechStoppedAt = Stopwatch.GetTimestamp();
            _awaitingSpokenTurnResponse = true;
            _spokenTurnResponseId = null;
        }

        return Task.FromResult(header.ResponseId.IsEmpty || _suppressedResponses.Count == 0 || !_suppressedResponses.Contains(header.ResponseIdString!));
    }

    private async Task<bool> OnResponseCreatedAsync(BinaryData data)
    {
        {
            var (id, purpose) = ResponseIdentity(data);
            _activeResponseId = id;
            if (id is null)
            {
                return true;
            }

            if (purpose is not null)
            {
                _ownResponses[id] = purpose;
            }
            else if (_awaitingSpokenTurnResponse)
            {
                _awaitingSpokenTurnResponse = false;
                _spokenTurnResponseId = System.Text.Encoding.UTF8.GetBytes(id);
            }
            else if (_pendingSafetyText is not null)
            {
                // An answer to the utterance that raised level 3: replace it before any of it is heard.
                await SayPendingSafetyMessageAsync();
            }

            return true;
        }
    }

    private async Task<bool> OnResponseDoneAsync(BinaryData data)
    {
        await Task.CompletedTask;
        {
            var (id, _) = ResponseIdentity(data);
            if (id is not null && string.Equals(id, _activeResponseId, StringComparison.Ordinal))
            {
                _activeResponseId = null;
            }

            ChargeUsage(data, id);
            PublishLatency();
            if (id is not null && _ownResponses.Remove(id, out var purpose) && string.Equals(purpose, ClosingPurpose, StringComparison.Ordinal))
            {
                await FinishClosingAsync();
                return false;
            }

            return true; // A replaced answer's done (status cancelled) still reaches the client, closing it there.
        }
    }

    /// <summary>Time to first audio of the model's answer to a spoken turn: the first delta of the response created after speech stopped.</summary>
    private void MeasureFirstAudio(ReadOnlySpan<byte> responseId)
    {
        if (_spokenTurnResponseId is { } answer && responseId.SequenceEqual(answer))
        {
            _spokenTurnResponseId = null;
            _timeToFirstAudioMs = Stopwatch.GetElapsedTime(_speechStoppedAt).TotalMilliseconds;
            metrics.TimeToFirstAudio.Record(_timeToFirstAudioMs.Value);
        }
    }

    /// <summary>One <c>latency</c> event per response for the dashboards: time to first audio and the relay percentiles.</summary>
    private void PublishLatency()
    {
        var ttfa = _timeToFirstAudioMs;
        _timeToFirstAudioMs = null;
        var relay = _relayLatencySamples?.TakePercentiles();
        if (ttfa is null && relay is null)
        {
            return;
        }

        Publish("latency", w =>
        {
            if (ttfa is { } t)
            {
                w.WriteNumber("time_to_first_audio_ms", Math.Round(t, 1));
            }

            if (relay is { } r)
            {
                w.WriteNumber("relay_ms_p50", Math.Round(r.P50, 3));
                w.WriteNumber("relay_ms_p95", Math.Round(r.P95, 3));
            }
        });
    }

    /// <summary>Prices a response's usage and charges it through the journal, once per response id.</summary>
    private void ChargeUsage(BinaryData data, string? responseId)
    {
        if (responseId is null || _upstream is null
            || !Domain.Cost.UsageParser.TryParseResponseDone(data.ToMemory().Span, _upstream.Model, out var record))
        {
            return;
        }

        var dollars = prices.DollarsFor(record);
        var (conversation, tier, period, usage) = (_record, _tier, UsagePeriod.For(time.GetUtcNow()), record with { ResponseId = responseId });
        _journal.Append((tx, ct) => UsageStore.ChargeUsageAsync(tx, conversation, tier, usage, dollars, period, silo.Id, ct), charged =>
        {
            if (charged is null)
            {
                return;
            }

            _record = _record with { UsedSeconds = charged.Conversation.UsedSeconds, CostUsd = charged.Conversation.CostUsd };
            _notices.Feed("usage");
            metrics.DollarsSpent.Add((double)dollars);
            if (dollars > 0m || charged.Decision is QuotaDecision.End)
            {
                ApplyQuota(charged.Decision, charged.Ledger);
            }
        });
    }

    private static (string? Id, string? Purpose) ResponseIdentity(BinaryData data)
    {
        using var document = JsonDocument.Parse(data);
        if (!document.RootElement.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        var id = response.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
        var purpose = response.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty(PurposeField, out var p) ? p.GetString() : null;
        return (id, purpose);
    }

}
