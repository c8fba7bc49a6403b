using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Protocol;
using Microsoft.Extensions.Logging;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>
/// One client connection speaking the OpenAI Realtime protocol: reads client events in order, keeps the conversation,
/// turns input audio into user items (VAD, speech-to-text) and runs responses.
/// </summary>
/// <remarks>
/// Client events are handled one at a time on the receive loop; transcription and responses run as background tasks.
/// The conversation and the active response are shared between them and guarded by <see cref="_gate"/> (held briefly,
/// never across an await). Events composed on the receive loop are collected and sent after each client event.
/// </remarks>
internal sealed partial class RealtimeSession
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private readonly WebSocket _socket;
    private readonly EngineServices _services;
    private readonly ILogger _logger;
    private readonly OutboundQueue _outbound;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _sendStop = new();
    private readonly string _sessionId = Ids.New("sess");
    private readonly string _conversationId = Ids.New("conv");
    private readonly long _expiresAt = DateTimeOffset.UtcNow.AddMinutes(60).ToUnixTimeSeconds();
    private readonly List<OutboundFrame> _pending = [];
    private readonly Lock _gate = new();
    private readonly List<ConversationItem> _items = [];
    private readonly List<Task> _background = [];
    private byte[] _receiveBuffer;
    private SessionSettings _settings;
    private ResponseRun? _activeResponse;
    private int _cachedPrefix;
    private string? _cachedInstructions;

    public RealtimeSession(WebSocket socket, EngineModel model, EngineServices services, ILogger logger)
    {
        _socket = socket;
        Model = model;
        _services = services;
        _logger = logger;
        _outbound = new OutboundQueue(services.Options.OutboundQueueCapacity, services.Options.SlowClientTimeout);
        _receiveBuffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        _settings = new SessionSettings
        {
            Model = model.Name,
            Instructions = model.Options.Instructions ?? string.Empty,
            Voice = model.Options.Voice,
            Transcription = model.IsEcho ? null : new TranscriptionSettings("pocketsphinx", model.Options.Language, null),
        };
        ConfigureTurnDetection(_settings.TurnDetection);
    }

    public EngineModel Model { get; }

    public EventIdSource EventIds { get; } = new();

    public EngineServices Services => _services;

    public string ConversationId => _conversationId;

    public Lock Gate => _gate;

    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Runs the session until the client closes, the server closes it, or the request is aborted.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _outbound.SlowClient);
        using var link = stop.Token.Register(static state => ((CancellationTokenSource)state!).Cancel(), _lifetime);
        var sending = _outbound.RunAsync(_socket, _sendStop.Token);
        _services.Metrics.SessionOpened();
        var end = SessionEnd.ClientClosed;
        try
        {
            Emit(ComposeSession(ServerEvents.SessionCreated));
            await FlushAsync();
            end = await ReceiveLoopAsync(_lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            end = _outbound.SlowClient.IsCancellationRequested ? SessionEnd.SlowClient : SessionEnd.Aborted;
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
            end = SessionEnd.Aborted;
        }
        finally
        {
            await ShutDownAsync(sending, end);
            // The request may still be aborted (the silo or client going away): unregister first, so that its callback
            // (it may be running on another thread) is done before the lifetime it cancels is disposed.
            link.Dispose();
            _lifetime.Dispose();
            _services.Metrics.SessionClosed();
        }
    }

    /// <summary>Queues an event composed on a background task.</summary>
    public ValueTask SendAsync(OutboundFrame frame) => _outbound.SendAsync(frame, _lifetime.Token);

    /// <summary>Adds an item to the conversation after the current last one; returns the previous item's id. Call under <see cref="Gate"/>.</summary>
    public string? AppendItemLocked(ConversationItem item)
    {
        var previous = _items.Count > 0 ? _items[^1].Id : null;
        _items.Add(item);
        var excess = _items.Count - _services.Options.MaxConversationItems;
        if (excess > 0)
        {
            _items.RemoveRange(0, excess);
            _cachedPrefix = 0;
        }

        return previous;
    }

    /// <summary>Called by a response when it has sent <c>response.done</c>.</summary>
    public void OnResponseFinished(ResponseRun run, bool addedToConversation)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_activeResponse, run))
            {
                _activeResponse = null;
            }

            if (addedToConversation && run.Status is "completed")
            {
                _cachedPrefix = _items.Count;
                _cachedInstructions = run.Settings.Instructions;
            }
        }

        if (run.Status is "completed" && _settings.TurnDetection?.IdleTimeoutMs is { } idle)
        {
            // Counted from when the answer has finished playing: response.done plus its audio.
            ArmIdleTimeout(run.AudioDuration + TimeSpan.FromMilliseconds(idle));
        }
    }

    /// <summary>Tracks a background task so the session waits for it before it ends.</summary>
    public void Track(Task task)
    {
        lock (_gate)
        {
            _background.RemoveAll(static existing => existing.IsCompleted);
            _background.Add(task);
        }
    }

    private async Task<SessionEnd> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (kind, length) = await ReceiveMessageAsync(cancellationToken);
            switch (kind)
            {
                case WebSocketMessageType.Close:
                    return SessionEnd.ClientClosed;
                case WebSocketMessageType.Binary when length < 0:
                    EmitError("message_too_large", $"Messages may be at most {_services.Options.MaxMessageBytes} bytes.", null);
                    await FlushAsync();
                    return SessionEnd.TooBig;
                case WebSocketMessageType.Binary:
                    AppendRawAudio(_receiveBuffer.AsSpan(0, length));
                    break;
                default:
                    HandleMessage(_receiveBuffer.AsMemory(0, length));
                    break;
            }

            await FlushAsync();
        }
    }

    // Reads one whole message into the receive buffer. Binary with length −1 means "too big" (the rest is left unread).
    private async ValueTask<(WebSocketMessageType Kind, int Length)> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        var limit = _services.Options.MaxMessageBytes;
        var length = 0;
        while (true)
        {
            if (length == _receiveBuffer.Length)
            {
                if (length > limit)
                {
                    return (WebSocketMessageType.Binary, -1);
                }

                var larger = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, length * 2));
                _receiveBuffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_receiveBuffer);
                _receiveBuffer = larger;
            }

            var result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, 0);
            }

            length += result.Count;
            if (length > limit)
            {
                return (WebSocketMessageType.Binary, -1);
            }

            if (result.EndOfMessage)
            {
                return (result.MessageType, length);
            }
        }
    }

    private void HandleMessage(ReadOnlyMemory<byte> json)
    {
        ClientEnvelope envelope;
        try
        {
            envelope = ClientEnvelope.Read(json.Span);
        }
        catch (JsonException exception)
        {
            EmitError("invalid_json", $"The event is not valid JSON: {exception.Message}", null);
            return;
        }

        // Any failure while handling one client event becomes an error event; the session goes on.
        try
        {
            Dispatch(json, envelope);
        }
        catch (ProtocolException exception)
        {
            EmitError(exception.Code, exception.Message, envelope.EventId, exception.Param, exception.ErrorType);
        }
        catch (JsonException exception)
        {
            EmitError("invalid_json", $"The event is not valid JSON: {exception.Message}", envelope.EventId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogEventFailed(exception);
            EmitError("server_error", "The engine failed to handle this event.", envelope.EventId, type: "server_error");
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> json, in ClientEnvelope envelope)
    {
        switch (envelope.Type)
        {
            case ClientEventType.InputAudioBufferAppend:
                AppendAudio(json.Span, envelope);
                return;
            case ClientEventType.Unknown when envelope.TypeName is null:
                throw new ProtocolException("missing_required_parameter", "Missing required parameter: 'type'.", "type");
            case ClientEventType.Unknown:
                throw new ProtocolException("invalid_value", $"Unknown event type '{envelope.TypeName}'.", "type");
        }

        using var document = JsonDocument.Parse(json, DocumentOptions);
        var root = document.RootElement;
        switch (envelope.Type)
        {
            case ClientEventType.SessionUpdate:
                UpdateSession(root);
                break;
            case ClientEventType.InputAudioBufferCommit:
                CommitInput(envelope.EventId);
                break;
            case ClientEventType.InputAudioBufferClear:
                ClearInput();
                break;
            case ClientEventType.ConversationItemCreate:
                CreateItem(root);
                break;
            case ClientEventType.ConversationItemDelete:
                DeleteItem(root);
                break;
            case ClientEventType.ConversationItemRetrieve:
                RetrieveItem(root);
                break;
            case ClientEventType.ConversationItemTruncate:
                TruncateItem(root);
                break;
            case ClientEventType.ResponseCreate:
                CreateResponse(root, envelope.EventId);
                break;
            case ClientEventType.ResponseCancel:
                CancelResponse(root);
                break;
            case ClientEventType.OutputAudioBufferClear:
                ClearOutputAudio();
                break;
        }
    }

    private void UpdateSession(JsonElement root)
    {
        var session = JsonFields.RequireObject(root, "session", "session");
        var before = _settings;
        _settings = SessionUpdate.Apply(before, session, _services.Options.MaxTextChars);
        if (before.TurnDetection != _settings.TurnDetection)
        {
            ConfigureTurnDetection(_settings.TurnDetection);
        }

        Emit(ComposeSession(ServerEvents.SessionUpdated));
    }

    private OutboundFrame ComposeSession(System.Text.Json.JsonEncodedText type)
    {
        var writer = EventComposer.Start(type, EventIds);
        writer.WritePropertyName("session");
        _settings.WriteTo(writer, _sessionId, _expiresAt);
        return EventComposer.Finish();
    }

    /// <summary>Queues an event composed on the receive loop; it is sent after the current client event.</summary>
    private void Emit(OutboundFrame frame) => _pending.Add(frame);

    private void EmitError(string code, string message, string? eventId, string? param = null, string type = "invalid_request_error")
    {
        _services.Metrics.ProtocolErrors.Add(1, new KeyValuePair<string, object?>("code", code));
        Emit(ComposeError(EventIds, code, message, eventId, param, type));
    }

    public static OutboundFrame ComposeError(EventIdSource ids, string code, string message, string? eventId, string? param = null, string type = "invalid_request_error")
    {
        var writer = EventComposer.Start(ServerEvents.Error, ids);
        writer.WriteStartObject("error");
        writer.WriteString("type", type);
        writer.WriteString("code", code);
        writer.WriteString("message", message);
        if (param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", param);
        }

        if (eventId is null)
        {
            writer.WriteNull("event_id");
        }
        else
        {
            writer.WriteString("event_id", eventId);
        }

        writer.WriteEndObject();
        return EventComposer.Finish();
    }

    private async ValueTask FlushAsync()
    {
        try
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                var frame = _pending[i];
                _pending[i] = default;
                await _outbound.SendAsync(frame, _lifetime.Token);
            }
        }
        finally
        {
            foreach (var left in _pending)
            {
                if (left.Buffer is not null)
                {
                    left.Return();
                }
            }

            _pending.Clear();
        }
    }

    private async Task ShutDownAsync(Task sending, SessionEnd end)
    {
        ResponseRun? active;
        lock (_gate)
        {
            active = _activeResponse;
        }

        active?.Cancel("client_cancelled");
        EndEchoOnShutdown();
        var utterance = _utterance;
        _utterance = null;
        if (utterance?.Recognition is { } recognition)
        {
            Track(recognition.DisposeAsync().AsTask());
        }

        if (end != SessionEnd.ClientClosed && end != SessionEnd.Aborted)
        {
            // Let responses finish their done events before the close frame, but not for long.
            await WaitForBackgroundAsync(TimeSpan.FromSeconds(2));
        }

        await _lifetime.CancelAsync();
        await WaitForBackgroundAsync(TimeSpan.FromSeconds(5));

        // Whatever is queued (an error event before a close, say) is still sent, unless the client stopped reading.
        _outbound.Complete();
        _sendStop.CancelAfter(end is SessionEnd.SlowClient or SessionEnd.Aborted ? TimeSpan.Zero : TimeSpan.FromSeconds(5));
        await sending;
        await CloseSocketAsync(end);
        ArrayPool<byte>.Shared.Return(_receiveBuffer);
        _sendStop.Dispose();
    }

    private async Task WaitForBackgroundAsync(TimeSpan limit)
    {
        Task[] tasks;
        lock (_gate)
        {
            tasks = [.. _background];
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(limit);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
        }
        catch (Exception exception)
        {
            LogBackgroundFailed(exception);
        }
    }

    private async Task CloseSocketAsync(SessionEnd end)
    {
        var (status, reason) = end switch
        {
            SessionEnd.TooBig => (WebSocketCloseStatus.MessageTooBig, "message too big"),
            SessionEnd.SlowClient => (WebSocketCloseStatus.PolicyViolation, "client too slow to read events"),
            _ => (WebSocketCloseStatus.NormalClosure, string.Empty),
        };
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(status, reason, timeout.Token);
            }

            // A server-initiated close waits for the client's close frame, discarding whatever it still sends.
            var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (_socket.State == WebSocketState.CloseSent)
                {
                    var result = await _socket.ReceiveAsync(scratch.AsMemory(), timeout.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A client event failed")]
    private partial void LogEventFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A background task of the session failed")]
    private partial void LogBackgroundFailed(Exception exception);

    private enum SessionEnd
    {
        ClientClosed,
        Aborted,
        TooBig,
        SlowClient,
    }
}
