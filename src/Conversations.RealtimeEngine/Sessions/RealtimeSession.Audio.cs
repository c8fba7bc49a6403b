using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text.Json;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Protocol;
using Conversations.RealtimeEngine.Providers;
using Conversations.RealtimeEngine.Recognition;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>Input audio: appends, server VAD, commits, and speech-to-text of each user utterance.</summary>
internal sealed partial class RealtimeSession
{
    private const int FrameSamples = VoiceActivityDetector.FrameSamples;
    private const int MinimumCommitSamples = Pcm.SampleRate / 10;

    private readonly short[] _frame = new short[FrameSamples];
    private int _frameFill;
    private long _clock;
    private long _bufferFloor;
    private VoiceActivityDetector? _vad;
    private AudioRing? _preRoll;
    private short[] _preRollScratch = [];
    private InputUtterance? _utterance;

    private void AppendAudio(ReadOnlySpan<byte> json, in ClientEnvelope envelope)
    {
        if (envelope.AudioLength < 0)
        {
            throw new ProtocolException("missing_required_parameter", "Missing required parameter: 'audio'.", "audio");
        }

        var base64 = json.Slice(envelope.AudioStart, envelope.AudioLength);
        if (envelope.AudioEscaped)
        {
            // Rare: an encoder escaped '+' or '/'. Unescape through the reader, then decode as usual.
            var reader = new Utf8JsonReader(json[(envelope.AudioStart - 1)..]);
            reader.Read();
            var unescaped = ArrayPool<byte>.Shared.Rent(envelope.AudioLength);
            try
            {
                var length = reader.CopyString(unescaped);
                DecodeAndAppend(unescaped.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }

            return;
        }

        DecodeAndAppend(base64);
    }

    private void DecodeAndAppend(ReadOnlySpan<byte> base64)
    {
        var pcm = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(base64.Length)));
        try
        {
            var status = Base64.DecodeFromUtf8(base64, pcm, out _, out var written);
            if (status != OperationStatus.Done)
            {
                throw new ProtocolException("invalid_audio", "'audio' is not valid base64.", "audio");
            }

            AppendRawAudio(pcm.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pcm);
        }
    }

    private void AppendRawAudio(ReadOnlySpan<byte> pcm)
    {
        if (pcm.Length % Pcm.BytesPerSample != 0)
        {
            EmitError("invalid_audio", "Audio must be whole PCM16 samples (an even number of bytes).", null, "audio");
            return;
        }

        var samples = Pcm.AsSamples(pcm);
        if (samples.IsEmpty)
        {
            return;
        }

        _services.Metrics.AudioFramesIn.Add(1);
        if (Model.IsEcho)
        {
            EchoAudio(samples);
        }

        var turn = _settings.TurnDetection;
        if (turn is null || _vad is null)
        {
            _utterance ??= BeginUtterance(Ids.New("item"), _clock);
            _utterance.Write(samples);
            _clock += samples.Length;
            return;
        }

        var offset = 0;
        while (offset < samples.Length)
        {
            var take = Math.Min(FrameSamples - _frameFill, samples.Length - offset);
            samples.Slice(offset, take).CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            offset += take;
            if (_frameFill == FrameSamples)
            {
                _frameFill = 0;
                ProcessFrame(turn, _vad, _clock + offset);
            }
        }

        _clock += samples.Length;
    }

    // One 10 ms frame through the VAD; frameEnd is the absolute sample position just after it.
    private void ProcessFrame(TurnDetection turn, VoiceActivityDetector vad, long frameEnd)
    {
        var frame = _frame.AsSpan();
        _preRoll!.Write(frame, frameEnd);
        var wasInSpeech = vad.InSpeech;
        var activity = vad.Process(frame);
        if (activity == VoiceActivity.SpeechStarted)
        {
            var framesBack = vad.Frames - 1 - vad.SpeechStartFrame;
            var speechStart = frameEnd - ((framesBack + 1) * FrameSamples);
            var audioStart = Math.Max(Math.Max(speechStart - Pcm.FromMilliseconds(turn.PrefixPaddingMs), _bufferFloor), _preRoll.Start);
            var utterance = BeginUtterance(Ids.New("item"), audioStart);
            var count = (int)(frameEnd - audioStart);
            if (_preRollScratch.Length < count)
            {
                _preRollScratch = new short[_preRoll.Capacity];
            }

            var copied = _preRoll.CopyFrom(audioStart, _preRollScratch);
            utterance.Write(_preRollScratch.AsSpan(0, copied));
            _utterance = utterance;
            Volatile.Write(ref _userSpeaking, true);
            DisarmIdleTimeout();
            Emit(ComposeSpeechEvent(ServerEvents.SpeechStarted, "audio_start_ms", Pcm.ToMilliseconds(audioStart), utterance.ItemId));
            if (turn.InterruptResponse)
            {
                CancelActiveResponse("turn_detected");
            }

            return;
        }

        if (!wasInSpeech || _utterance is not { } current)
        {
            return;
        }

        current.Write(frame);
        if (activity == VoiceActivity.SpeechStopped)
        {
            current.StoppedAt = Stopwatch.GetTimestamp();
            Emit(ComposeSpeechEvent(ServerEvents.SpeechStopped, "audio_end_ms", Pcm.ToMilliseconds(frameEnd), current.ItemId));
            Commit(null, byTurnDetection: true, frameEnd);
        }
    }

    private void CommitInput(string? eventId)
    {
        var end = _clock - _frameFill;
        Commit(eventId, byTurnDetection: false, end);
    }

    private void Commit(string? eventId, bool byTurnDetection, long end)
    {
        var utterance = _utterance;
        if (utterance is null || utterance.Samples < MinimumCommitSamples)
        {
            var milliseconds = utterance is null ? 0 : Pcm.ToMilliseconds(utterance.Samples);
            throw new ProtocolException(
                "input_audio_buffer_commit_empty",
                $"Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {milliseconds}ms of audio.");
        }

        _utterance = null;
        _bufferFloor = end;
        Volatile.Write(ref _userSpeaking, false);
        if (!byTurnDetection)
        {
            _vad?.Reset();
        }

        var item = new ConversationItem { Id = utterance.ItemId, Type = "message", Role = "user", AudioSeconds = (double)utterance.Samples / Pcm.SampleRate };
        item.Content.Add(new ItemContent { Type = "input_audio" });
        string? previous;
        lock (_gate)
        {
            previous = AppendItemLocked(item);
        }

        var writer = EventComposer.Start(ServerEvents.Committed, EventIds);
        writer.WriteString("previous_item_id", previous);
        writer.WriteString("item_id", item.Id);
        Emit(EventComposer.Finish());
        Emit(ComposeItemEvent(ServerEvents.ConversationItemAdded, item, previous));
        Emit(ComposeItemEvent(ServerEvents.ConversationItemDone, item, previous));

        if (Model.IsEcho)
        {
            EndEcho("completed");
            return;
        }

        if (utterance.Recognition is { } recognition)
        {
            var transcript = TranscribeAsync(recognition, item);
            item.PendingTranscript = transcript;
            Track(transcript);
        }

        if (byTurnDetection && _settings.TurnDetection is { CreateResponse: true })
        {
            StartResponse(new ResponseRequest { Settings = _settings, SpeechStoppedAt = utterance.StoppedAt, ByTurnDetection = true });
        }
    }

    private void ClearInput()
    {
        var utterance = _utterance;
        _utterance = null;
        _bufferFloor = _clock;
        Volatile.Write(ref _userSpeaking, false);
        _frameFill = 0;
        _vad?.Reset();
        if (utterance?.Recognition is { } recognition)
        {
            Track(recognition.DisposeAsync().AsTask());
        }

        EventComposer.Start(ServerEvents.Cleared, EventIds);
        Emit(EventComposer.Finish());
    }

    private InputUtterance BeginUtterance(string itemId, long start)
    {
        var recognition = Model.IsEcho ? null : Model.Recognizer.Start(_settings.Transcription?.Language ?? Model.Options.Language);
        return new InputUtterance(itemId, start, recognition);
    }

    private void ConfigureTurnDetection(TurnDetection? turn)
    {
        _frameFill = 0;
        if (turn is null)
        {
            _vad = null;
            _preRoll = null;
            return;
        }

        _vad = new VoiceActivityDetector(turn.Threshold, turn.SilenceDurationMs);
        _preRoll = new AudioRing(Pcm.FromMilliseconds(turn.PrefixPaddingMs) + (8 * FrameSamples));
        if (_preRoll.Capacity > _preRollScratch.Length)
        {
            _preRollScratch = new short[_preRoll.Capacity];
        }
    }

    private async Task<string> TranscribeAsync(IRecognitionStream recognition, ConversationItem item)
    {
        await using var _ = recognition;
        try
        {
            var result = await recognition.CompleteAsync(Lifetime);
            lock (_gate)
            {
                item.Content[0].Transcript = result.Text;
                item.SpeechToTextSeconds = result.AudioSeconds;
            }

            _services.Metrics.SpeechToTextLatency.Record(result.Latency.TotalSeconds);
            var delta = EventComposer.Start(ServerEvents.TranscriptionDelta, EventIds);
            delta.WriteString("item_id", item.Id);
            delta.WriteNumber("content_index", 0);
            delta.WriteString("delta", result.Text);
            await SendAsync(EventComposer.Finish());

            var completed = EventComposer.Start(ServerEvents.TranscriptionCompleted, EventIds);
            completed.WriteString("item_id", item.Id);
            completed.WriteNumber("content_index", 0);
            completed.WriteString("transcript", result.Text);
            completed.WriteStartObject("usage");
            completed.WriteString("type", "duration");
            // Whole seconds, rounded up: the OpenAI SDK reads this field as an integer.
            completed.WriteNumber("seconds", (long)Math.Ceiling(result.AudioSeconds));
            completed.WriteEndObject();
            await SendAsync(EventComposer.Finish());
            return result.Text;
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested)
        {
            return string.Empty;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogBackgroundFailed(exception);
            var failure = ProviderException.From(exception, "transcription");
            lock (_gate)
            {
                item.Content[0].Transcript = string.Empty;
                item.TranscriptionFailed = true;
            }

            var failed = EventComposer.Start(ServerEvents.TranscriptionFailed, EventIds);
            failed.WriteString("item_id", item.Id);
            failed.WriteNumber("content_index", 0);
            failed.WriteStartObject("error");
            failed.WriteString("type", "server_error");
            failed.WriteString("code", failure.Code);
            failed.WriteString("message", failure.Message);
            failed.WriteNull("param");
            failed.WriteEndObject();
            await SendAsync(EventComposer.Finish());
            return string.Empty;
        }
    }

    private OutboundFrame ComposeSpeechEvent(System.Text.Json.JsonEncodedText type, string timeField, long milliseconds, string itemId)
    {
        var writer = EventComposer.Start(type, EventIds);
        writer.WriteNumber(timeField, milliseconds);
        writer.WriteString(JsonNames.ItemId, itemId);
        return EventComposer.Finish();
    }

    public OutboundFrame ComposeItemEvent(System.Text.Json.JsonEncodedText type, ConversationItem item, string? previousItemId)
    {
        var writer = EventComposer.Start(type, EventIds);
        writer.WriteString("previous_item_id", previousItemId);
        writer.WritePropertyName("item");
        lock (_gate)
        {
            item.WriteTo(writer);
        }

        return EventComposer.Finish();
    }

    /// <summary>The audio since the last commit (or since speech started), and its speech-to-text stream.</summary>
    private sealed class InputUtterance(string itemId, long start, IRecognitionStream? recognition)
    {
        public string ItemId { get; } = itemId;

        public long Start { get; } = start;

        public IRecognitionStream? Recognition { get; } = recognition;

        public long Samples { get; private set; }

        public long StoppedAt { get; set; }

        public void Write(ReadOnlySpan<short> samples)
        {
            Samples += samples.Length;
            Recognition?.Write(samples);
        }
    }
}
