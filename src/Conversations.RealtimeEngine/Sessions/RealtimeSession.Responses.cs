using System.Text.Json;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Protocol;
using static Conversations.RealtimeEngine.Protocol.JsonFields;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>Starting and cancelling responses; the echo model's running response.</summary>
internal sealed partial class RealtimeSession
{
    private EchoResponse? _echo;
    private CancellationTokenSource? _idle;
    private bool _userSpeaking;

    private void CreateResponse(JsonElement root, string? eventId)
    {
        if (Model.IsEcho)
        {
            throw new ProtocolException("invalid_value", "The echo model answers audio with audio only; it has no responses to create.", "type");
        }

        var settings = _settings;
        var request = new ResponseRequest { ClientEventId = eventId, Settings = settings };
        if (TryGet(root, "response", out var options) && options.ValueKind == JsonValueKind.Object)
        {
            request = ReadResponseOptions(options, request);
        }

        StartResponse(request);
    }

    private ResponseRequest ReadResponseOptions(JsonElement options, ResponseRequest request)
    {
        var settings = request.Settings;
        var max = _services.Options.MaxTextChars;
        if (OptionalString(options, "instructions", "response.instructions") is { } instructions)
        {
            settings = settings with { Instructions = SessionUpdate.CheckLength(instructions, max, "response.instructions") };
        }

        if (TryGet(options, "output_modalities", out var modalities) && modalities.ValueKind != JsonValueKind.Null)
        {
            settings = settings with { OutputModality = SessionUpdate.ReadModalities(modalities, "response.output_modalities") };
        }

        if (TryGet(options, "audio", out var audio) && TryGet(audio, "output", out var output) && TryGet(output, "voice", out _))
        {
            settings = settings with { Voice = SessionUpdate.ReadVoice(output, "response.audio.output.voice") };
        }

        if (TryGet(options, "tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            settings = settings with { Tools = SessionUpdate.ReadTools(tools, "response.tools") };
        }

        if (TryGet(options, "tool_choice", out var toolChoice) && toolChoice.ValueKind != JsonValueKind.Null)
        {
            settings = settings with { ToolChoice = SessionUpdate.ReadToolChoice(toolChoice, "response.tool_choice") };
        }

        if (TryGet(options, "max_output_tokens", out var maxTokens))
        {
            settings = settings with { MaxOutputTokens = SessionUpdate.ReadMaxOutputTokens(maxTokens, "response.max_output_tokens") };
        }

        var conversation = OptionalString(options, "conversation", "response.conversation") ?? "auto";
        if (conversation is not ("auto" or "none"))
        {
            throw InvalidValue("response.conversation", conversation, "'auto', 'none'");
        }

        string? metadata = null;
        if (TryGet(options, "metadata", out var metadataElement) && metadataElement.ValueKind != JsonValueKind.Null)
        {
            metadata = metadataElement.ValueKind == JsonValueKind.Object ? metadataElement.GetRawText() : throw InvalidType("response.metadata", "an object");
        }

        List<ConversationItem>? input = null;
        if (TryGet(options, "input", out var inputElement) && inputElement.ValueKind != JsonValueKind.Null)
        {
            input = ReadResponseInput(inputElement, max);
        }

        return request with { Settings = settings, AddToConversation = conversation is "auto", MetadataJson = metadata, Input = input };
    }

    private List<ConversationItem> ReadResponseInput(JsonElement input, int maxTextChars)
    {
        if (input.ValueKind != JsonValueKind.Array)
        {
            throw InvalidType("response.input", "an array");
        }

        var items = new List<ConversationItem>();
        var index = 0;
        foreach (var element in input.EnumerateArray())
        {
            var at = $"response.input[{index++}]";
            if (OptionalString(element, "type", $"{at}.type") is "item_reference")
            {
                items.Add(FindItem(RequireString(element, "id", $"{at}.id")));
                continue;
            }

            var (item, audio) = ParseItem(element, maxTextChars, at);
            if (audio is not null)
            {
                throw new ProtocolException("invalid_value", "Audio in response.input needs a transcript.", $"{at}.content");
            }

            items.Add(item);
        }

        return items;
    }

    private void StartResponse(ResponseRequest request)
    {
        DisarmIdleTimeout();
        ResponseRun run;
        lock (_gate)
        {
            if (_activeResponse is { } active)
            {
                if (request.ByTurnDetection)
                {
                    // interrupt_response is off and the model is still speaking: this turn gets no answer of its own.
                    return;
                }

                throw new ProtocolException(
                    "conversation_already_has_active_response",
                    $"Conversation already has an active response in progress: {active.Id}. Wait until the response is finished before creating a new one.");
            }

            IReadOnlyList<ConversationItem> context = request.Input ?? [.. _items];
            var cachedPrefix = request.Input is null ? Math.Min(_cachedPrefix, context.Count) : 0;
            var instructionsCached = string.Equals(_cachedInstructions, request.Settings.Instructions, StringComparison.Ordinal);
            run = new ResponseRun(this, request, context, cachedPrefix, instructionsCached);
            _activeResponse = run;
        }

        Track(run.Start());
    }

    /// <summary>Starts (or restarts) the wait for a silent user after an answer; speech or a new response stops it.</summary>
    private void ArmIdleTimeout(TimeSpan delay)
    {
        var idle = CancellationTokenSource.CreateLinkedTokenSource(Lifetime);
        Interlocked.Exchange(ref _idle, idle)?.Cancel();
        Track(WaitIdleAsync(delay, idle));
    }

    private void DisarmIdleTimeout() => Interlocked.Exchange(ref _idle, null)?.Cancel();

    private async Task WaitIdleAsync(TimeSpan delay, CancellationTokenSource idle)
    {
        try
        {
            await Task.Delay(delay, idle.Token);
        }
        catch (OperationCanceledException)
        {
            idle.Dispose();
            return;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(_idle, idle) || _activeResponse is not null || Volatile.Read(ref _userSpeaking))
            {
                return;
            }

            _idle = null;
        }

        idle.Dispose();
        var now = Pcm.ToMilliseconds(Interlocked.Read(ref _clock));
        var writer = EventComposer.Start(ServerEvents.TimeoutTriggered, EventIds);
        writer.WriteNumber("audio_start_ms", now);
        writer.WriteNumber("audio_end_ms", now);
        writer.WriteString("item_id", Ids.New("item"));
        await SendAsync(EventComposer.Finish());
        try
        {
            StartResponse(new ResponseRequest { Settings = _settings, ByTurnDetection = true, IdleCheckIn = true });
        }
        catch (ProtocolException)
        {
            // A response started in the meantime; it answers instead.
        }
    }

    private void CancelResponse(JsonElement root)
    {
        var responseId = OptionalString(root, "response_id", "response_id");
        ResponseRun? run;
        lock (_gate)
        {
            run = _activeResponse;
        }

        if (run is null || (responseId is not null && !string.Equals(responseId, run.Id, StringComparison.Ordinal)))
        {
            throw new ProtocolException("response_cancel_not_active", "Cancellation failed: no active response found.");
        }

        CancelActiveResponse("client_cancelled");
    }

    private void ClearOutputAudio()
    {
        ResponseRun? run;
        lock (_gate)
        {
            run = _activeResponse;
        }

        CancelActiveResponse("client_cancelled");
        var writer = EventComposer.Start(ServerEvents.OutputAudioBufferCleared, EventIds);
        writer.WriteString("response_id", run?.Id ?? _echo?.Id);
        Emit(EventComposer.Finish());
        if (_echo is not null)
        {
            EndEcho("cancelled");
        }
    }

    /// <summary>Stops the active response (barge-in or a client cancel); it sends its own <c>response.done</c>.</summary>
    private void CancelActiveResponse(string reason)
    {
        ResponseRun? run;
        lock (_gate)
        {
            run = _activeResponse;
            _activeResponse = null;
        }

        run?.Cancel(reason);
    }

    // The echo model: every input chunk goes straight back as output audio of one running response.
    private void EchoAudio(ReadOnlySpan<short> samples)
    {
        if (_echo is null)
        {
            var item = new ConversationItem { Id = Ids.New("item"), Type = "message", Role = "assistant", Status = "in_progress" };
            _echo = new EchoResponse(Ids.New("resp"), item);
            var created = EventComposer.Start(ServerEvents.ResponseCreated, EventIds);
            created.WritePropertyName("response");
            ResponseJson.Write(created, _echo.Id, "in_progress", null, null, [], _conversationId, _settings, null, null);
            Emit(EventComposer.Finish());
            var added = EventComposer.Start(ServerEvents.OutputItemAdded, EventIds);
            added.WriteString(JsonNames.ResponseId, _echo.Id);
            added.WriteNumber(JsonNames.OutputIndex, 0);
            added.WritePropertyName("item");
            item.WriteTo(added);
            Emit(EventComposer.Finish());
            item.Content.Add(new ItemContent { Type = "output_audio", Transcript = string.Empty });
            var part = EventComposer.Start(ServerEvents.ContentPartAdded, EventIds);
            WriteEchoAddress(part);
            part.WritePropertyName("part");
            ConversationItem.WritePart(part, item.Content[0], forItem: false);
            Emit(EventComposer.Finish());
        }

        var delta = EventComposer.Start(ServerEvents.OutputAudioDelta, EventIds);
        WriteEchoAddress(delta);
        delta.WriteBase64String(JsonNames.Delta, Pcm.AsBytes(samples));
        Emit(EventComposer.Finish());
        _echo.Samples += samples.Length;
        _services.Metrics.AudioFramesOut.Add(1);
    }

    private void EndEcho(string status)
    {
        if (_echo is not { } echo)
        {
            return;
        }

        _echo = null;
        var item = echo.Item;
        item.Status = status is "completed" ? "completed" : "incomplete";
        item.AudioSeconds = (double)echo.Samples / Pcm.SampleRate;
        foreach (var type in (ReadOnlySpan<JsonEncodedText>)[ServerEvents.OutputAudioDone, ServerEvents.OutputAudioTranscriptDone, ServerEvents.ContentPartDone])
        {
            var writer = EventComposer.Start(type, EventIds);
            WriteEchoAddress(writer, echo);
            if (type.Equals(ServerEvents.OutputAudioTranscriptDone))
            {
                writer.WriteString("transcript", string.Empty);
            }
            else if (type.Equals(ServerEvents.ContentPartDone))
            {
                writer.WritePropertyName("part");
                ConversationItem.WritePart(writer, item.Content[0], forItem: false);
            }

            Emit(EventComposer.Finish());
        }

        var itemDone = EventComposer.Start(ServerEvents.OutputItemDone, EventIds);
        itemDone.WriteString(JsonNames.ResponseId, echo.Id);
        itemDone.WriteNumber(JsonNames.OutputIndex, 0);
        itemDone.WritePropertyName("item");
        item.WriteTo(itemDone);
        Emit(EventComposer.Finish());
        var usage = new ResponseUsage { OutputAudioTokens = (int)Math.Ceiling(item.AudioSeconds * ResponseUsage.AssistantAudioTokensPerSecond) };
        var done = EventComposer.Start(ServerEvents.ResponseDone, EventIds);
        done.WritePropertyName("response");
        ResponseJson.Write(done, echo.Id, status, status is "cancelled" ? "client_cancelled" : null, null, [item], _conversationId, _settings, usage, null);
        Emit(EventComposer.Finish());
    }

    private void EndEchoOnShutdown() => _echo = null;

    private void WriteEchoAddress(Utf8JsonWriter writer) => WriteEchoAddress(writer, _echo!);

    private static void WriteEchoAddress(Utf8JsonWriter writer, EchoResponse echo)
    {
        writer.WriteString(JsonNames.ResponseId, echo.Id);
        writer.WriteString(JsonNames.ItemId, echo.Item.Id);
        writer.WriteNumber(JsonNames.OutputIndex, 0);
        writer.WriteNumber(JsonNames.ContentIndex, 0);
    }

    private sealed class EchoResponse(string id, ConversationItem item)
    {
        public string Id { get; } = id;

        public ConversationItem Item { get; } = item;

        public long Samples { get; set; }
    }
}
