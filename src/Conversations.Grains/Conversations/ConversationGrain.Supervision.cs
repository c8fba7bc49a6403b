using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Conversations.Grains.Supervision;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Conversations;

// A human counsellor in the conversation: supervisors listen; one may take the lead from the AI (which then stays
// silent), speak to the user in a voice of its own, and hand the lead back with its words in the AI's context.
public sealed partial class ConversationGrain
{
    private const int MaxSupervisorText = 2000;
    private static readonly TimeSpan MicSilence = TimeSpan.FromSeconds(2);
    private readonly Dictionary<Guid, SupervisorSession> _supervisors = [];
    private Lead? _lead;
    private IGrainTimer? _leadGrace;
    private HumanTurn? _micTurn;
    private IGrainTimer? _micSilence;

    public async IAsyncEnumerable<ServerEvent> SuperviseAsync(SupervisorJoin join, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var session = new SupervisorSession(new ClientConnection(join.ConnectionId, binaryAudio: false, conversationOptions.Value.ClientQueueCapacity, sentSeq: 0), join.SupervisorId, join.Audio);
        await JoinAsync(session, join.ResumeFromSeq ?? 0);
        try
        {
            await foreach (var item in session.Connection.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            Leave(session);
        }
    }

    public async Task SupervisorSendAsync(ClientFrame frame)
    {
        if (!_supervisors.TryGetValue(frame.ConnectionId, out var session))
        {
            return;
        }

        try
        {
            if (frame.IsBinary)
            {
                SpeakAudio(session, frame.Data);
                return;
            }

            if (!SupervisorCommand.TryRead(frame.Data, out var command, out var error))
            {
                session.Connection.SendJson(error);
                return;
            }

            switch (command.Type)
            {
                case SupervisorCommand.TakeOver:
                    await TakeOverAsync(session, command.EventId);
                    break;
                case SupervisorCommand.HandBack when IsLeader(session, command.EventId):
                    await HandBackAsync(session.SupervisorId, "handed_back");
                    break;
                case SupervisorCommand.Say when IsLeader(session, command.EventId):
                    Say(session, command.Text!);
                    break;
                case SupervisorCommand.AudioDone:
                    FinishSpeaking();
                    break;
            }
        }
        catch (Exception e) when (e is not Orleans.Storage.InconsistentStateException)
        {
            logger.LogWarning(e, "{Conversation}: a supervisor's action failed", Id);
            session.Connection.SendJson(ServerEvents.Error("server_error", "event_failed", "The server could not carry out this action."));
        }
    }

    /// <summary>Restores a lead that survived a move to this silo: the AI stays silent, and the supervisor has a while to come back.</summary>
    private void RestoreLead()
    {
        if (_record.LedBy is { } supervisor)
        {
            _lead = new Lead(supervisor, _record.LedSinceSeq ?? 0);
            StartLeadGrace();
        }
    }

    private async Task JoinAsync(SupervisorSession session, long afterSeq)
    {
        var connection = session.Connection;
        if (!_live || _record.Status == ConversationStatus.Ended)
        {
            connection.SendJson(ServerEvents.InvalidRequest(_record is null ? "conversation_not_found" : "conversation_ended", "The conversation is not live."));
            connection.Close(_record is null ? CloseCodes.UnknownConversation : CloseCodes.ConversationEnded, "not live");
            return;
        }

        _supervisors[connection.Id] = session;
        KeepWhileAttended();
        if (string.Equals(_lead?.SupervisorId, session.SupervisorId, StringComparison.Ordinal))
        {
            // The leader came back in time (its page reconnected, or this silo took the conversation over).
            _leadGrace?.Dispose();
            _leadGrace = null;
        }

        Audit(session.SupervisorId, "join", session.Audio.ToString().ToLowerInvariant());
        connection.BeginReplay();
        connection.SendJson(StateEvent());
        PublishSupervisionState(except: session);
        connection.EndReplay(await store.ReadTranscriptAsync(Id, afterSeq, int.MaxValue));
    }

    private void Leave(SupervisorSession session)
    {
        if (!_supervisors.Remove(session.Connection.Id))
        {
            return;
        }

        Audit(session.SupervisorId, "leave", null);
        if (string.Equals(_lead?.SupervisorId, session.SupervisorId, StringComparison.Ordinal) && !_supervisors.Values.Any(s => string.Equals(s.SupervisorId, session.SupervisorId, StringComparison.Ordinal)))
        {
            FinishSpeaking();
            StartLeadGrace();
        }

        PublishSupervisionState();
        KeepWhileAttended();
    }

    private bool IsLeader(SupervisorSession session, string? eventId)
    {
        if (string.Equals(_lead?.SupervisorId, session.SupervisorId, StringComparison.Ordinal))
        {
            return true;
        }

        session.Connection.SendJson(ServerEvents.InvalidRequest("not_leading", "Take the conversation over first.", eventId));
        return false;
    }

    /// <summary>The supervisor leads: the AI's answer in progress stops where the user stopped hearing it, and the AI stays silent.</summary>
    private async Task TakeOverAsync(SupervisorSession session, string? eventId)
    {
        if (_lead is { } lead)
        {
            if (!string.Equals(lead.SupervisorId, session.SupervisorId, StringComparison.Ordinal))
            {
                session.Connection.SendJson(ServerEvents.InvalidRequest("already_led", $"{lead.SupervisorId} leads this conversation; one supervisor leads at a time.", eventId));
            }

            return;
        }

        ChargeClock(stop: false); // The AI's time ends here; from now on the clock records human time.
        _lead = new Lead(session.SupervisorId, _lastSeq);
        _pendingSafetyText = null;
        var (supervisor, since) = (session.SupervisorId, _lastSeq);
        _journal.Append((tx, ct) => SupervisionStore.TakeOverAsync(tx, Id, supervisor, since, silo.Id, ct), saved =>
        {
            _record = _record with { LedBy = saved.LedBy, LedSince = saved.LedSince, LedSinceSeq = saved.LedSinceSeq };
            _notices.Feed("supervision");
        });
        _client?.SendJson(HumanJoined());
        PublishSupervisionState();
        await SilenceTheAiAsync();
    }

    /// <summary>The lead goes back to the AI, with what the human said in its context.</summary>
    private async Task HandBackAsync(string supervisorId, string reason)
    {
        if (_lead is not { } lead)
        {
            return;
        }

        FinishSpeaking();
        ChargeClock(stop: false);
        _lead = null;
        _leadGrace?.Dispose();
        _leadGrace = null;
        _journal.Append((tx, ct) => SupervisionStore.HandBackAsync(tx, Id, supervisorId, reason, silo.Id, ct), saved =>
        {
            _record = _record with { LedBy = saved.LedBy, LedSince = saved.LedSince, LedSinceSeq = saved.LedSinceSeq };
            _notices.Feed("supervision");
        });
        _client?.SendJson(ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversations.human_left"u8);
            w.WriteString("event_id"u8, ServerEvents.NewEventId());
            w.WriteBoolean("taken_over"u8, false);
            w.WriteString("reason"u8, reason);
        }));
        PublishSupervisionState();
        await _journal.FlushAsync();
        if (_upstream is { } upstream)
        {
            // The human's words join the AI's context, as the character's turns that the user heard.
            foreach (var entry in await store.ReadTranscriptAsync(Id, lead.SinceSeq, int.MaxValue))
            {
                var itemId = $"human_{entry.Seq}";
                if (entry.Role == Speaker.Supervisor && UpstreamEvents.SeedItem(itemId, entry) is { } item)
                {
                    _seededItems.Add(itemId);
                    await upstream.SendAsync(item);
                }
            }

            await upstream.SendAsync(SessionUpdateNow());
        }
    }

    private async Task SilenceTheAiAsync()
    {
        if (_upstream is not { } upstream)
        {
            return; // The next session starts silent (SessionUpdateNow).
        }

        if (_activeResponseId is { } active && !_ownResponses.ContainsKey(active))
        {
            _suppressedResponses.Add(active);
            await upstream.SendAsync(new BinaryData(ServerEvents.Write(w => w.WriteString("type"u8, "response.cancel"u8))));
            if (_sentAudio.CurrentItem is { } item && _sentAudio.SentMilliseconds(item) is long heard)
            {
                await upstream.SendAsync(new BinaryData(ServerEvents.Write(w =>
                {
                    w.WriteString("type"u8, "conversation.item.truncate"u8);
                    w.WriteString("item_id"u8, item);
                    w.WriteNumber("content_index"u8, 0);
                    w.WriteNumber("audio_end_ms"u8, heard);
                })));
            }
        }

        await upstream.SendAsync(SessionUpdateNow());
    }

    /// <summary>The character's session as it should be now: guided by the emergency level, silent while a human leads.</summary>
    private BinaryData SessionUpdateNow() =>
        UpstreamEvents.SessionUpdate(
            _character,
            upstreamOptions.Value.TranscriptionModel,
            _emergency.Value is 1 or 2 ? Domain.Emergency.EmergencyGuidance.For(_emergency) : null,
            aiResponds: _lead is null);

    /// <summary>What the leader types: stored (role supervisor, with who said it), then spoken to the user in the supervisor's voice.</summary>
    private void Say(SupervisorSession session, string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxSupervisorText)
        {
            session.Connection.SendJson(ServerEvents.InvalidRequest("invalid_value", $"text is required, at most {MaxSupervisorText} characters.", param: "text"));
            return;
        }

        FinishSpeaking();
        var entry = AppendTranscript(Speaker.Supervisor, text.Trim(), null, session.SupervisorId);
        Audit(session.SupervisorId, "say", entry.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Run(SpeakToUserAsync(entry.Text), "speaking a supervisor's words");
    }

    private async Task SpeakToUserAsync(string text)
    {
        var speech = (await voice.SpeakAsync(_character, text, CancellationToken.None)).ToMemory();
        var turn = _client is { } client ? HumanTurn.Start(client) : null;
        const int Chunk = 4800; // 100 ms
        for (var offset = 0; offset < speech.Length; offset += Chunk)
        {
            var piece = speech.Span.Slice(offset, Math.Min(Chunk, speech.Length - offset));
            if (_client is { } listener && turn is not null)
            {
                turn.Audio(listener, piece);
            }

            SendAudioToSupervisors(SupervisorAudio.Assistant, "supervisor", piece);
        }

        if (_client is { } user && turn is not null)
        {
            turn.Finish(user, text);
        }
    }

    /// <summary>The leader's microphone, relayed to the user as it comes (a turn ends at <c>supervisor.audio.done</c> or two seconds of quiet).</summary>
    private void SpeakAudio(SupervisorSession session, ReadOnlyMemory<byte> pcm16)
    {
        if (!IsLeader(session, null))
        {
            return;
        }

        if (pcm16.Length % 2 != 0)
        {
            session.Connection.SendJson(ServerEvents.InvalidRequest("invalid_audio", "PCM16 audio must have an even number of bytes."));
            return;
        }

        if (_client is { } client)
        {
            _micTurn ??= HumanTurn.Start(client);
            _micTurn.Audio(client, pcm16.Span);
        }

        SendAudioToSupervisors(SupervisorAudio.Assistant, "supervisor", pcm16.Span);
        _micSilence?.Dispose();
        _micSilence = this.RegisterGrainTimer(_ =>
        {
            FinishSpeaking();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(MicSilence, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
    }

    /// <summary>Closes the leader's spoken turn, and records it (what was said is not transcribed: its length is).</summary>
    private void FinishSpeaking()
    {
        _micSilence?.Dispose();
        _micSilence = null;
        if (_micTurn is not { } turn || _lead is not { } lead)
        {
            _micTurn = null;
            return;
        }

        _micTurn = null;
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"(spoke for {turn.Seconds:0.0} s)");
        if (_client is { } client)
        {
            turn.Finish(client, "");
        }

        AppendTranscript(Speaker.Supervisor, text, turn.ItemId, lead.SupervisorId);
        Audit(lead.SupervisorId, "speak", text);
    }

    private void StartLeadGrace()
    {
        if (_lead is not { } lead)
        {
            return;
        }

        _leadGrace?.Dispose();
        _leadGrace = this.RegisterGrainTimer(
            _ => _supervisors.Values.Any(s => string.Equals(s.SupervisorId, lead.SupervisorId, StringComparison.Ordinal)) ? Task.CompletedTask : HandBackAsync(lead.SupervisorId, "supervisor_gone"),
            new GrainTimerCreationOptions(conversationOptions.Value.SupervisorReconnectGrace, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
    }

    /// <summary>The user's and the character's audio to the supervisors that asked for it.</summary>
    private void SendAudioToSupervisors(SupervisorAudio kind, string source, ReadOnlySpan<byte> pcm16)
    {
        if (_supervisors.Count == 0)
        {
            return;
        }

        string? base64 = null;
        foreach (var supervisor in _supervisors.Values)
        {
            if (supervisor.Audio == SupervisorAudio.Both || supervisor.Audio == kind)
            {
                base64 ??= Convert.ToBase64String(pcm16);
                supervisor.Connection.SendJson(AudioEvent(source, base64));
            }
        }
    }

    /// <summary>The same, for audio already in base64 (the character's deltas).</summary>
    private void SendBase64AudioToSupervisors(SupervisorAudio kind, string source, ReadOnlySpan<byte> base64Utf8)
    {
        if (_supervisors.Count == 0)
        {
            return;
        }

        string? base64 = null;
        foreach (var supervisor in _supervisors.Values)
        {
            if (supervisor.Audio == SupervisorAudio.Both || supervisor.Audio == kind)
            {
                base64 ??= System.Text.Encoding.ASCII.GetString(base64Utf8);
                supervisor.Connection.SendJson(AudioEvent(source, base64));
            }
        }
    }

    private static ReadOnlyMemory<byte> AudioEvent(string source, string base64) =>
        ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "supervision.audio"u8);
            w.WriteString("source"u8, source);
            w.WriteString("audio"u8, base64);
        });

    private ReadOnlyMemory<byte> HumanJoined() =>
        ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "conversations.human_joined"u8);
            w.WriteString("event_id"u8, ServerEvents.NewEventId());
            w.WriteBoolean("taken_over"u8, true);
            w.WriteString("at"u8, time.GetUtcNow());
        });

    private ReadOnlyMemory<byte> StateEvent() =>
        ServerEvents.Write(w =>
        {
            w.WriteString("type"u8, "supervision.state"u8);
            w.WriteString("conversation_id"u8, Id);
            w.WriteString("user_id"u8, _record.UserId);
            w.WriteString("character_id"u8, _record.CharacterId);
            w.WriteNumber("emergency_level"u8, _emergency.Value);
            w.WriteString("emergency_category"u8, Domain.Emergency.EmergencyCategoryNames.WireName(_emergency.Category));
            w.WriteBoolean("user_attached"u8, _client is not null);
            if (_lead is { } lead)
            {
                w.WriteString("led_by"u8, lead.SupervisorId);
            }
            else
            {
                w.WriteNull("led_by"u8);
            }

            w.WriteStartArray("supervisors"u8);
            foreach (var id in _supervisors.Values.Select(s => s.SupervisorId).Distinct(StringComparer.Ordinal))
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            w.WriteNumber("last_seq"u8, _durableSeq);
        });

    private void PublishSupervisionState(SupervisorSession? except = null)
    {
        if (_supervisors.Count == 0)
        {
            return;
        }

        var state = StateEvent();
        foreach (var supervisor in _supervisors.Values.Where(s => !ReferenceEquals(s, except)))
        {
            supervisor.Connection.SendJson(state);
        }
    }

    private void Audit(string supervisorId, string action, string? detail) =>
        _journal.Append((tx, ct) => SupervisionStore.AuditAsync(tx, Id, supervisorId, action, detail, silo.Id, ct), _ => _notices.Feed("supervision"));

    /// <summary>Kept activated while a client or a supervisor is attached, however quiet.</summary>
    private void KeepWhileAttended() => DelayDeactivation(_client is not null || _supervisors.Count > 0 ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);

    /// <summary>A joined supervisor: its events, who it is, what audio it hears.</summary>
    private sealed record SupervisorSession(ClientConnection Connection, string SupervisorId, SupervisorAudio Audio);

    /// <summary>Who leads instead of the AI, and the transcript seq when the lead began.</summary>
    private sealed record Lead(string SupervisorId, long SinceSeq);
}
