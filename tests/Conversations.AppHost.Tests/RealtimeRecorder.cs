using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI.Realtime;

namespace Conversations.AppHost.Tests;

/// <summary>An OpenAI SDK realtime session whose server updates are recorded, so a test can wait for the ones it expects.</summary>
internal sealed class RealtimeRecorder : IAsyncDisposable
{
    private readonly List<RealtimeServerUpdate> _updates = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly HashSet<int> _returned = [];

    private RealtimeRecorder(RealtimeSessionClient session)
    {
        Session = session;
        _receiving = Task.Run(ReceiveAsync);
    }

    public RealtimeSessionClient Session { get; }

    /// <summary>An unmodified SDK client: the gateway's <c>/v1</c> as its endpoint, the user's token as its key, a character as its model.</summary>
    public static async Task<RealtimeRecorder> StartAsync(string gateway, string token, string character)
    {
        var client = new RealtimeClient(new ApiKeyCredential(token), new RealtimeClientOptions { Endpoint = new Uri($"{gateway}/v1") });
        return new RealtimeRecorder(await client.StartConversationSessionAsync(character, cancellationToken: TestContext.Current.CancellationToken));
    }

    public static JsonElement Json(RealtimeServerUpdate update) =>
        JsonDocument.Parse(ModelReaderWriter.Write(update, ModelReaderWriterOptions.Json)).RootElement.Clone();

    /// <summary>The first not yet returned update of type <typeparamref name="T"/>.</summary>
    public async Task<T> NextAsync<T>(TimeSpan? timeout = null)
        where T : RealtimeServerUpdate => (T)await NextAsync(u => u is T, typeof(T).Name, timeout);

    /// <summary>The next update whose wire type is <paramref name="type"/> (the <c>conversations.*</c> extension events too).</summary>
    public async Task<JsonElement> NextEventAsync(string type, Func<JsonElement, bool>? where = null) =>
        Json(await NextAsync(u => u.Kind.ToString() == type && (where is null || where(Json(u))), type, null));

    /// <summary>Streams PCM16 24 kHz audio in 20 ms appends at real-time pace, as a microphone would.</summary>
    public async Task StreamAtRealTimePaceAsync(byte[] audio)
    {
        const int chunk = 960;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var offset = 0; offset < audio.Length; offset += chunk)
        {
            await Session.SendInputAudioAsync(BinaryData.FromBytes(audio.AsMemory(offset, Math.Min(chunk, audio.Length - offset))));
            var due = TimeSpan.FromMilliseconds(((offset / chunk) + 1) * 20);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Session.Dispose();
        try
        {
            await _receiving;
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task<RealtimeServerUpdate> NextAsync(Func<RealtimeServerUpdate, bool> match, string what, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            lock (_updates)
            {
                // The first match no earlier wait returned: waits need not follow the order of arrival.
                for (var i = 0; i < _updates.Count; i++)
                {
                    if (!_returned.Contains(i) && match(_updates[i]))
                    {
                        _returned.Add(i);
                        return _updates[i];
                    }
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                lock (_updates)
                {
                    throw new TimeoutException($"No {what} arrived; received: {string.Join(", ", _updates.Select(u => u.Kind.ToString()))}");
                }
            }
        }
    }

    private async Task ReceiveAsync()
    {
        await foreach (var update in Session.ReceiveUpdatesAsync(_stop.Token))
        {
            lock (_updates)
            {
                _updates.Add(update);
            }

            _arrived.Release();
        }
    }
}
