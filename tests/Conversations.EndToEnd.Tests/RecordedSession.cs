using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI.Realtime;

namespace Conversations.EndToEnd.Tests;

/// <summary>An OpenAI SDK session whose server updates are recorded, so tests can wait for the ones they expect.</summary>
public sealed class RecordedSession : IAsyncDisposable
{
    private readonly HashSet<int> _returned = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private bool _ended;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    private RecordedSession(RealtimeSessionClient session)
    {
        Session = session;
        _receiving = Task.Run(ReceiveAsync);
    }

    public RealtimeSessionClient Session { get; }

    public List<RealtimeServerUpdate> All { get; } = [];

    public static async Task<RecordedSession> StartAsync(RealtimeClient client, string model, string? query = null)
    {
        var options = new RealtimeSessionClientOptions();
        if (query is not null)
        {
            options.QueryString = query;
        }

        return new RecordedSession(await client.StartConversationSessionAsync(model, options));
    }

    /// <summary>The update's JSON as the SDK read it (extension events such as <c>conversations.transcript</c> included).</summary>
    public static JsonElement Json(RealtimeServerUpdate update) =>
        JsonDocument.Parse(ModelReaderWriter.Write(update, ModelReaderWriterOptions.Json)).RootElement.Clone();

    /// <summary>Waits for the next update of type <typeparamref name="T"/> matching the predicate.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? where = null, TimeSpan? timeout = null)
        where T : RealtimeServerUpdate =>
        (T)await NextAsync(u => u is T typed && (where is null || where(typed)), typeof(T).Name, timeout);

    /// <summary>Waits for the next update whose wire type is <paramref name="type"/> (for the <c>conversations.*</c> extensions).</summary>
    public async Task<JsonElement> NextEventAsync(string type, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null)
    {
        var update = await NextAsync(u => u.Kind.ToString() == type && (where is null || where(Json(u))), type, timeout);
        return Json(update);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Session.Dispose();
        try
        {
            await _receiving;
        }
        catch (Exception)
        {
        }
    }

    // The first matching update no earlier call returned, among all received so far: waits need not follow arrival order.
    private async Task<RealtimeServerUpdate> NextAsync(Func<RealtimeServerUpdate, bool> match, string what, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            lock (All)
            {
                for (var i = 0; i < All.Count; i++)
                {
                    if (!_returned.Contains(i) && match(All[i]))
                    {
                        _returned.Add(i);
                        return All[i];
                    }
                }

                if (_ended)
                {
                    throw new InvalidOperationException($"The session ended before {what}; received: {Seen()}");
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                lock (All)
                {
                    throw new TimeoutException($"No {what} arrived; received: {Seen()}");
                }
            }
        }
    }

    private string Seen() => string.Join(", ", All.Select(u => u.Kind.ToString()));

    private async Task ReceiveAsync()
    {
        try
        {
            await foreach (var update in Session.ReceiveUpdatesAsync(_stop.Token))
            {
                lock (All)
                {
                    All.Add(update);
                }

                _arrived.Release();
            }
        }
        finally
        {
            lock (All)
            {
                _ended = true;
            }

            _arrived.Release();
        }
    }
}
