using System.Diagnostics;
using System.Text.Json;
using Conversations.Domain.Emergency;
using Conversations.Domain.Tiers;
using Conversations.Domain.Transcript;
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
    private long _clockMark;
    private long _clockCarry;
    private bool _warned;
    private string? _endingReason;
    private IDisposable? _closingTimeout;
    private string? _activeResponseId;
    private string? _pendingSafetyText;
    private long _speechStoppedAt;
    private bool _firstAudioMeasured = true;
    private double? _timeToFirstAudioMs;
    private RelayLatencySamples? _relayLatencySamples;

    private RelayLatencySamples RelayLatency => _relayLatencySamples ??= new RelayLatencySamples(metrics.RelayLatency);

    /// <summary>Starts the clock when a client attaches: the conversation's time runs only while someone is there.</summary>
    private void StartClock()
    {
        _clockMark = Stopwatch.GetTimestamp();
        _clockCarry = 0;
    }

    private async ValueTask QuotaTickAsync()
    {
        if (_client is not null && _endingReason is null)
        {
            await ChargeClockAsync(stop: false);
        }
    }

    /// <summary>Charges the whole seconds elapsed since the last charge; the fraction carries to the next tick.</summary>
    private async Task ChargeClockAsync(bool stop)
    {
        if (_clockMark == 0)
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
        var charge = await usage.ChargeTimeAsync(Context.Fence, _record, _tier, seconds, UsagePeriod.For(time.GetUtcNow()));
        _record = charge.Conversation;
        await ApplyQuotaAsync(charge.Decision, charge.Ledger);
    }

    /// <summary>Tells the client where the quota stands, warns once near the limit, and closes at it.</summary>
    private async Task ApplyQuotaAsync(QuotaDecision decision, UsageLedger ledger)
    {
        var warning = decision is QuotaDecision.Warn && !_warned;
        _warned |= warning;
        _client?.SendEvent(ServerEvents.Write(w =>
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
            await BeginClosingAsync(end.Reason);
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
        await ChargeClockAsync(stop: true);
        if (_client is null || _upstream is null)
        {
            await EndAsync(reason);
            return;
        }

        await SayAsync(_character.ClosingLine(), ClosingPurpose);
        _closingTimeout = Context.RegisterTimer(() => FinishClosingAsync(), conversationOptions.Value.ClosingLineTimeout, Timeout.InfiniteTimeSpan);
    }

    private async ValueTask FinishClosingAsync()
    {
        _closingTimeout?.Dispose();
        _closingTimeout = null;
        if (_endingReason is not null && _record.Status != Persistence.ConversationStatus.Ended)
        {
            await EndAsync(_endingReason);
        }
    }

    /// <summary>Runs on every user utterance once it is durable: assesses it, and acts when the level rises.</summary>
    private async Task ScreenAsync(TranscriptEntry entry)
    {
        var language = _character.Language;
        var assessment = EmergencyDetector.Assess(entry.Text, language);
        if (moderation.IsEnabled)
        {
            // The model stage runs off the mailbox and posts its verdict back in, so the conversation does not wait on it.
            _ = Task.Run(async () =>
            {
                var verdict = await moderation.AssessAsync(entry.Text, language, Context.Deactivating);
                if (verdict is { IsConcern: true })
                {
                    await Context.PostAsync(static s => s.Grain.RaiseEmergencyAsync(s.Verdict, s.Entry), new ModerationVerdict(this, verdict, entry));
                }
            });
        }

        await RaiseEmergencyAsync(assessment, entry);
    }

    private async ValueTask RaiseEmergencyAsync(EmergencyAssessment assessment, TranscriptEntry entry)
    {
        if (!_emergency.IsRaisedBy(assessment) || _record.Status == Persistence.ConversationStatus.Ended)
        {
            return;
        }

        using var activity = ConversationActivities.Start("conversation.emergency.raise", _record.Id);
        _emergency = _emergency.Raise(assessment);
        activity?.SetTag("emergency.level", _emergency.Value);
        activity?.SetTag("emergency.category", _emergency.Category.WireName());
        var (record, alert) = await alerts.RaiseAsync(Context.Fence, _record, _emergency, entry.Text, entry.Seq);
        _record = record;
        metrics.EmergencyLevelsRaised.Add(1, new KeyValuePair<string, object?>("level", _emergency.Value), new KeyValuePair<string, object?>("category", _emergency.Category.WireName()));
        logger.LogWarning("{Conversation}: emergency level {Level} ({Category}); alert {Alert}", _record.Id, _emergency.Value, _emergency.Category.WireName(), alert?.Id);
        if (alert is not null)
        {
            alertSignal.Pulse();
        }

        if (_emergency.Value >= 2)
        {
            SendEmergencyToClient();
        }

        if (_emergency.Value >= 3)
        {
            _pendingSafetyText = resources.SafetyMessage(_emergency.Category, _character.Language, conversationOptions.Value.Locale);
            if (_activeResponseId is not null && !_ownResponses.ContainsKey(_activeResponseId))
            {
                // The model already answers this utterance: that answer is replaced.
                await SayPendingSafetyMessageAsync();
            }
        }
        else if (_upstream is not null)
        {
            await _upstream.SendAsync(UpstreamEvents.SessionUpdate(_character, upstreamOptions.Value.TranscriptionModel, EmergencyGuidance.For(_emergency)));
        }
    }

    private void SendEmergencyToClient()
    {
        var locale = conversationOptions.Value.Locale ?? _character.Language;
        _client?.SendEvent(ServerEvents.Write(w =>
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
            await _upstream.SendAsync(ServerEvents.Write(w => w.WriteString("type"u8, "response.cancel"u8)));
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
            _firstAudioMeasured = false;
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
        {
            var (id, _) = ResponseIdentity(data);
            if (id is not null && string.Equals(id, _activeResponseId, StringComparison.Ordinal))
            {
                _activeResponseId = null;
            }

            await ChargeUsageAsync(data, id);
            await PublishLatencyAsync();
            if (id is not null && _ownResponses.Remove(id, out var purpose) && string.Equals(purpose, ClosingPurpose, StringComparison.Ordinal))
            {
                await FinishClosingAsync();
                return false;
            }

            return true; // A replaced answer's done (status cancelled) still reaches the client, closing it there.
        }
    }

    private void MeasureFirstAudio()
    {
        if (!_firstAudioMeasured)
        {
            _firstAudioMeasured = true;
            _timeToFirstAudioMs = Stopwatch.GetElapsedTime(_speechStoppedAt).TotalMilliseconds;
            metrics.TimeToFirstAudio.Record(_timeToFirstAudioMs.Value);
        }
    }

    /// <summary>One <c>latency</c> event per response for the dashboards: time to first audio and the relay percentiles.</summary>
    private async Task PublishLatencyAsync()
    {
        var ttfa = _timeToFirstAudioMs;
        _timeToFirstAudioMs = null;
        var relay = _relayLatencySamples?.TakePercentiles();
        if (ttfa is null && relay is null)
        {
            return;
        }

        await PublishAsync("latency", w =>
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

    private async Task ChargeUsageAsync(BinaryData data, string? responseId)
    {
        if (responseId is null || _upstream is null
            || !Domain.Cost.UsageParser.TryParseResponseDone(data.ToMemory().Span, _upstream.Model, out var record))
        {
            return;
        }

        var dollars = prices.DollarsFor(record);
        var charged = await usage.ChargeUsageAsync(Context.Fence, _record, _tier, record with { ResponseId = responseId }, dollars, UsagePeriod.For(time.GetUtcNow()));
        if (charged is null)
        {
            return;
        }

        _record = charged.Conversation;
        metrics.DollarsSpent.Add((double)dollars);
        if (dollars > 0m || charged.Decision is QuotaDecision.End)
        {
            await ApplyQuotaAsync(charged.Decision, charged.Ledger);
        }
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

    private sealed record ModerationVerdict(ConversationGrain Grain, EmergencyAssessment Verdict, TranscriptEntry Entry);
}
