using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Compute;
using Conversations.RealtimeEngine.Protocol;
using Conversations.RealtimeEngine.Providers;
using Conversations.RealtimeEngine.Responders;
using Conversations.RealtimeEngine.Synthesis;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>
/// One response of the cascade: context → responder (streamed) → sentences → speech per sentence → audio deltas, with
/// the full OpenAI event lifecycle from <c>response.created</c> to <c>response.done</c>.
/// </summary>
/// <remarks>
/// The responder and the synthesis run as two stages joined by a small channel, so the first sentence is spoken while
/// the responder is still writing the rest. Cancelling (barge-in, <c>response.cancel</c>) stops both; the response then
/// ends with status <c>cancelled</c> and its item keeps only what was already sent.
/// </remarks>
internal sealed class ResponseRun
{
    private readonly RealtimeSession _session;
    private readonly ResponseRequest _request;
    private readonly IReadOnlyList<ConversationItem> _context;
    private readonly int _cachedPrefix;
    private readonly bool _instructionsCached;
    private readonly CancellationTokenSource _cancel;
    private readonly List<ConversationItem> _output = [];
    private readonly StringBuilder _text = new();
    private string? _cancelReason;
    private (string Type, string Code, string Message)? _failure;
    private ConversationItem? _message;
    private int _messageIndex;
    private string? _messagePrevious;
    private long _audioSamples;
    private int _synthesizedCharacters;
    private TokenUsage? _tokens;
    private bool _firstAudioSent;

    public ResponseRun(RealtimeSession session, ResponseRequest request, IReadOnlyList<ConversationItem> context, int cachedPrefix, bool instructionsCached)
    {
        _session = session;
        _request = request;
        _context = context;
        _cachedPrefix = cachedPrefix;
        _instructionsCached = instructionsCached;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(session.Lifetime);
    }

    public string Id { get; } = Ids.New("resp");

    public SessionSettings Settings => _request.Settings;

    public string Status { get; private set; } = "in_progress";

    /// <summary>How long the audio sent so far plays.</summary>
    public TimeSpan AudioDuration => TimeSpan.FromSeconds((double)Interlocked.Read(ref _audioSamples) / Pcm.SampleRate);

    private bool Audio => Settings.OutputModality is "audio";

    public Task Start() => Task.Run(RunAsync);

    public void Cancel(string reason)
    {
        Interlocked.CompareExchange(ref _cancelReason, reason, null);
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private async Task RunAsync()
    {
        var token = _cancel.Token;
        try
        {
            await SendResponseEventAsync(ServerEvents.ResponseCreated, usage: null);
            var messages = await BuildContextAsync(token);
            await GenerateAsync(messages, token);
            Status = "completed";
        }
        catch (OperationCanceledException) when (_session.Lifetime.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException) when (_cancelReason is not null)
        {
            Status = "cancelled";
        }
        catch (Exception exception)
        {
            Status = "failed";
            var code = exception is ProviderException provider ? provider.Code : "response_failed";
            _failure = ("server_error", code, exception.Message);
            await _session.SendAsync(RealtimeSession.ComposeError(_session.EventIds, code, exception.Message, _request.ClientEventId, type: "server_error"));
        }

        try
        {
            await FinishMessageAsync();
            await SendResponseEventAsync(ServerEvents.ResponseDone, ComputeUsage());
            _session.Services.Metrics.Responses.Add(1, new KeyValuePair<string, object?>("status", Status));
        }
        catch (OperationCanceledException) when (_session.Lifetime.IsCancellationRequested)
        {
        }
        finally
        {
            _session.OnResponseFinished(this, _request.AddToConversation);
            _cancel.Dispose();
        }
    }

    private async Task<IReadOnlyList<ContextMessage>> BuildContextAsync(CancellationToken token)
    {
        foreach (var item in _context)
        {
            if (item.PendingTranscript is { IsCompleted: false } transcript)
            {
                await transcript.WaitAsync(token);
            }
        }

        lock (_session.Gate)
        {
            if (_context.LastOrDefault(item => item.Role is "user") is { TranscriptionFailed: true })
            {
                throw new ProviderException("transcription_failed", "The user's speech could not be transcribed, so there is nothing to answer.");
            }

            return [.. _context.Select(ToMessage)];
        }
    }

    private static ContextMessage ToMessage(ConversationItem item) => item.Type switch
    {
        "function_call" => new ContextMessage("function_call", item.Arguments ?? "{}", item.CallId, item.Name),
        "function_call_output" => new ContextMessage("function_call_output", item.Output ?? string.Empty, item.CallId),
        _ => new ContextMessage(item.Role ?? "user", item.Text),
    };

    private async Task GenerateAsync(IReadOnlyList<ContextMessage> messages, CancellationToken token)
    {
        var responder = _session.Model.Responder ?? throw new InvalidOperationException("This model has no responder.");
        if (_request.IdleCheckIn)
        {
            messages = [.. messages, new ContextMessage("system", ScriptedResponder.IdleCheckInPrompt)];
        }

        var request = new ResponderRequest(Settings.Instructions, messages, Settings.Tools, Settings.ToolChoice, _session.Model.Options.Language, Settings.MaxOutputTokens);

        using var pipeline = CancellationTokenSource.CreateLinkedTokenSource(token);
        var sentences = Channel.CreateBounded<string>(new BoundedChannelOptions(32) { SingleReader = true, SingleWriter = true });
        var speaking = Audio ? SpeakAsync(sentences.Reader, pipeline) : Task.CompletedTask;
        var segmenter = new SentenceSegmenter();
        var started = Stopwatch.GetTimestamp();
        var firstText = true;
        Exception? producerFailure = null;
        try
        {
            await foreach (var output in responder.RespondAsync(request, pipeline.Token))
            {
                switch (output)
                {
                    case TextDelta delta when delta.Text.Length > 0:
                        if (firstText)
                        {
                            firstText = false;
                            _session.Services.Metrics.ResponderFirstToken.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                        }

                        await OpenMessageAsync();
                        _text.Append(delta.Text);
                        if (Audio)
                        {
                            segmenter.Append(delta.Text);
                            while (segmenter.TryTake(out var sentence))
                            {
                                await sentences.Writer.WriteAsync(sentence, pipeline.Token);
                            }
                        }
                        else
                        {
                            await SendTextDeltaAsync(ServerEvents.OutputTextDelta, delta.Text);
                        }

                        break;
                    case FunctionCallRequested call:
                        await EmitFunctionCallAsync(call);
                        break;
                    case TokenUsage usage:
                        _tokens = usage;
                        break;
                }
            }

            if (Audio && segmenter.Flush() is { } rest)
            {
                await sentences.Writer.WriteAsync(rest, pipeline.Token);
            }
        }
        catch (Exception exception)
        {
            producerFailure = exception;
        }
        finally
        {
            sentences.Writer.TryComplete();
        }

        try
        {
            await speaking;
        }
        catch (Exception) when (producerFailure is not null && producerFailure is not OperationCanceledException)
        {
            // The responder's failure is the one to report.
        }

        if (producerFailure is not null)
        {
            ExceptionDispatchInfo.Throw(producerFailure);
        }
    }

    private async Task SpeakAsync(ChannelReader<string> sentences, CancellationTokenSource pipeline)
    {
        var token = pipeline.Token;
        var metrics = _session.Services.Metrics;
        var synthesizer = _session.Model.Synthesizer;
        var chunk = Pcm.FromMilliseconds(_session.Services.Options.Synthesis.AudioDeltaMilliseconds);
        var first = true;
        try
        {
            await foreach (var sentence in sentences.ReadAllAsync(token))
            {
                var spoken = sentence.Trim();
                var language = TextLanguage.Detect(spoken, _session.Model.Options.Language);
                var started = Stopwatch.GetTimestamp();
                SynthesizedSpeech speech;
                try
                {
                    speech = await synthesizer.SynthesizeAsync(spoken, Settings.Voice, language, first ? SpeechPriority.Urgent : SpeechPriority.Background, token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not ProviderException)
                {
                    throw new ProviderException("synthesis_failed", $"Speech synthesis failed: {exception.Message}", exception);
                }

                if (first)
                {
                    first = false;
                    metrics.SynthesisFirstChunk.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                }

                _synthesizedCharacters += spoken.Length;
                var text = _message!.Spoken.Count == 0 ? sentence.TrimStart() : sentence;
                await SendTextDeltaAsync(ServerEvents.OutputAudioTranscriptDelta, text);
                var startMs = Pcm.ToMilliseconds(_audioSamples);
                var samples = speech.Samples;
                for (var offset = 0; offset < samples.Length; offset += chunk)
                {
                    token.ThrowIfCancellationRequested();
                    var length = Math.Min(chunk, samples.Length - offset);
                    await SendAudioDeltaAsync(samples.AsMemory(offset, length));
                    _audioSamples += length;
                }

                lock (_session.Gate)
                {
                    _message.Spoken.Add(new SpokenSegment(text, startMs, Pcm.ToMilliseconds(_audioSamples)));
                    _message.AudioSeconds = (double)_audioSamples / Pcm.SampleRate;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await pipeline.CancelAsync();
            throw;
        }
    }

    private async Task OpenMessageAsync()
    {
        if (_message is not null)
        {
            return;
        }

        var item = new ConversationItem { Id = Ids.New("item"), Type = "message", Role = "assistant", Status = "in_progress" };
        lock (_session.Gate)
        {
            _messagePrevious = _request.AddToConversation ? _session.AppendItemLocked(item) : null;
            _messageIndex = _output.Count;
            _output.Add(item);
            _message = item;
        }

        await SendItemEventAsync(ServerEvents.OutputItemAdded, item, _messageIndex);
        if (_request.AddToConversation)
        {
            await _session.SendAsync(_session.ComposeItemEvent(ServerEvents.ConversationItemAdded, item, _messagePrevious));
        }

        var part = new ItemContent { Type = Audio ? "output_audio" : "output_text", Text = Audio ? null : string.Empty, Transcript = Audio ? string.Empty : null };
        lock (_session.Gate)
        {
            item.Content.Add(part);
        }

        var writer = EventComposer.Start(ServerEvents.ContentPartAdded, _session.EventIds);
        WriteAddress(writer, item, _messageIndex);
        writer.WritePropertyName("part");
        ConversationItem.WritePart(writer, part, forItem: false);
        await _session.SendAsync(EventComposer.Finish());
    }

    private async Task FinishMessageAsync()
    {
        if (_message is not { } item)
        {
            return;
        }

        var part = item.Content[0];
        lock (_session.Gate)
        {
            if (Audio)
            {
                part.Transcript = string.Concat(item.Spoken.Select(segment => segment.Text));
                if (item.TruncatedAtMs is { } cut)
                {
                    item.TruncateAudio(cut);
                }
            }
            else
            {
                part.Text = _text.ToString();
            }

            item.Status = Status is "completed" ? "completed" : "incomplete";
        }

        if (Audio)
        {
            var audioDone = EventComposer.Start(ServerEvents.OutputAudioDone, _session.EventIds);
            WriteAddress(audioDone, item, _messageIndex);
            await _session.SendAsync(EventComposer.Finish());
            var transcriptDone = EventComposer.Start(ServerEvents.OutputAudioTranscriptDone, _session.EventIds);
            WriteAddress(transcriptDone, item, _messageIndex);
            transcriptDone.WriteString("transcript", part.Transcript);
            await _session.SendAsync(EventComposer.Finish());
        }
        else
        {
            var textDone = EventComposer.Start(ServerEvents.OutputTextDone, _session.EventIds);
            WriteAddress(textDone, item, _messageIndex);
            textDone.WriteString("text", part.Text);
            await _session.SendAsync(EventComposer.Finish());
        }

        var partDone = EventComposer.Start(ServerEvents.ContentPartDone, _session.EventIds);
        WriteAddress(partDone, item, _messageIndex);
        partDone.WritePropertyName("part");
        ConversationItem.WritePart(partDone, part, forItem: false);
        await _session.SendAsync(EventComposer.Finish());
        await SendItemEventAsync(ServerEvents.OutputItemDone, item, _messageIndex);
        if (_request.AddToConversation)
        {
            await _session.SendAsync(_session.ComposeItemEvent(ServerEvents.ConversationItemDone, item, _messagePrevious));
        }
    }

    private async Task EmitFunctionCallAsync(FunctionCallRequested call)
    {
        var item = new ConversationItem { Id = Ids.New("item"), Type = "function_call", Name = call.Name, CallId = call.CallId, Arguments = string.Empty, Status = "in_progress" };
        string? previous;
        int index;
        lock (_session.Gate)
        {
            previous = _request.AddToConversation ? _session.AppendItemLocked(item) : null;
            index = _output.Count;
            _output.Add(item);
        }

        await SendItemEventAsync(ServerEvents.OutputItemAdded, item, index);
        if (_request.AddToConversation)
        {
            await _session.SendAsync(_session.ComposeItemEvent(ServerEvents.ConversationItemAdded, item, previous));
        }

        var delta = EventComposer.Start(ServerEvents.FunctionCallArgumentsDelta, _session.EventIds);
        delta.WriteString(JsonNames.ResponseId, Id);
        delta.WriteString(JsonNames.ItemId, item.Id);
        delta.WriteNumber(JsonNames.OutputIndex, index);
        delta.WriteString("call_id", call.CallId);
        delta.WriteString(JsonNames.Delta, call.Arguments);
        await _session.SendAsync(EventComposer.Finish());
        lock (_session.Gate)
        {
            item.Arguments = call.Arguments;
            item.Status = "completed";
        }

        var done = EventComposer.Start(ServerEvents.FunctionCallArgumentsDone, _session.EventIds);
        done.WriteString(JsonNames.ResponseId, Id);
        done.WriteString(JsonNames.ItemId, item.Id);
        done.WriteNumber(JsonNames.OutputIndex, index);
        done.WriteString("call_id", call.CallId);
        done.WriteString("name", call.Name);
        done.WriteString("arguments", call.Arguments);
        await _session.SendAsync(EventComposer.Finish());
        await SendItemEventAsync(ServerEvents.OutputItemDone, item, index);
        if (_request.AddToConversation)
        {
            await _session.SendAsync(_session.ComposeItemEvent(ServerEvents.ConversationItemDone, item, previous));
        }
    }

    private async ValueTask SendItemEventAsync(JsonEncodedText type, ConversationItem item, int index)
    {
        var writer = EventComposer.Start(type, _session.EventIds);
        writer.WriteString(JsonNames.ResponseId, Id);
        writer.WriteNumber(JsonNames.OutputIndex, index);
        writer.WritePropertyName("item");
        lock (_session.Gate)
        {
            item.WriteTo(writer);
        }

        await _session.SendAsync(EventComposer.Finish());
    }

    private async ValueTask SendTextDeltaAsync(JsonEncodedText type, string text)
    {
        var writer = EventComposer.Start(type, _session.EventIds);
        WriteAddress(writer, _message!, _messageIndex);
        writer.WriteString(JsonNames.Delta, text);
        await _session.SendAsync(EventComposer.Finish());
    }

    private async ValueTask SendAudioDeltaAsync(ReadOnlyMemory<short> samples)
    {
        var writer = EventComposer.Start(ServerEvents.OutputAudioDelta, _session.EventIds);
        WriteAddress(writer, _message!, _messageIndex);
        writer.WriteBase64String(JsonNames.Delta, Pcm.AsBytes(samples.Span));
        await _session.SendAsync(EventComposer.Finish());
        _session.Services.Metrics.AudioFramesOut.Add(1);
        if (!_firstAudioSent)
        {
            _firstAudioSent = true;
            if (_request.SpeechStoppedAt != 0)
            {
                _session.Services.Metrics.TimeToFirstAudio.Record(Stopwatch.GetElapsedTime(_request.SpeechStoppedAt).TotalSeconds);
            }
        }
    }

    private async ValueTask SendResponseEventAsync(JsonEncodedText type, ResponseUsage? usage)
    {
        var writer = EventComposer.Start(type, _session.EventIds);
        writer.WritePropertyName("response");
        lock (_session.Gate)
        {
            ResponseJson.Write(
                writer,
                Id,
                Status,
                Status is "cancelled" ? _cancelReason : null,
                _failure,
                _output,
                _request.AddToConversation ? _session.ConversationId : null,
                Settings,
                usage,
                _request.MetadataJson);
        }

        await _session.SendAsync(EventComposer.Finish());
    }

    private void WriteAddress(Utf8JsonWriter writer, ConversationItem item, int outputIndex)
    {
        writer.WriteString(JsonNames.ResponseId, Id);
        writer.WriteString(JsonNames.ItemId, item.Id);
        writer.WriteNumber(JsonNames.OutputIndex, outputIndex);
        writer.WriteNumber(JsonNames.ContentIndex, 0);
    }

    private ResponseUsage ComputeUsage()
    {
        lock (_session.Gate)
        {
            var instructions = TokenEstimate.FromText(Settings.Instructions);
            int inText = instructions, inAudio = 0, cachedText = _instructionsCached ? instructions : 0, cachedAudio = 0;
            double speechToText = 0;
            for (var i = 0; i < _context.Count; i++)
            {
                var item = _context[i];
                var (text, audio) = ResponseUsage.ItemTokens(item);
                inText += text;
                inAudio += audio;
                if (i < _cachedPrefix)
                {
                    cachedText += text;
                    cachedAudio += audio;
                }

                if (item.IsUserAudio && !item.SpeechToTextReported)
                {
                    item.SpeechToTextReported = true;
                    speechToText += item.SpeechToTextSeconds;
                }
            }

            var outputText = _output.Sum(item => item.Type is "function_call" ? (item.Arguments?.Length ?? 0) : item.Text.Length);
            var estimatedInput = TokenEstimate.FromText(Settings.Instructions.Length + _context.Sum(item => item.Text.Length));
            return new ResponseUsage
            {
                InputTextTokens = inText,
                InputAudioTokens = inAudio,
                CachedTextTokens = cachedText,
                CachedAudioTokens = cachedAudio,
                OutputTextTokens = TokenEstimate.FromText(outputText),
                OutputAudioTokens = (int)Math.Ceiling((double)_audioSamples / Pcm.SampleRate * ResponseUsage.AssistantAudioTokensPerSecond),
                LlmInputTokens = _tokens?.InputTokens ?? estimatedInput,
                LlmOutputTokens = _tokens?.OutputTokens ?? TokenEstimate.FromText(_text.Length),
                SpeechToTextSeconds = speechToText,
                TextToSpeechCharacters = _synthesizedCharacters,
            };
        }
    }
}
