using System.Diagnostics;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

/// <summary>Receives every server update of an SDK session in the background, with arrival times, and waits for conditions.</summary>
public sealed class SessionRecorder : IAsyncDisposable
{
    private readonly List<(RealtimeServerUpdate Update, TimeSpan At)> _updates = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    private SessionRecorder(RealtimeSessionClient session)
    {
        Session = session;
        _receiving = Task.Run(ReceiveAsync);
    }

    public RealtimeSessionClient Session { get; }

    public Exception? Failure { get; private set; }

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<SessionRecorder> StartAsync(RealtimeClient client, string model)
    {
        var session = await client.StartConversationSessionAsync(model, cancellationToken: TestContext.Current.CancellationToken);
        return new SessionRecorder(session);
    }

    public IReadOnlyList<RealtimeServerUpdate> Updates
    {
        get
        {
            lock (_updates)
            {
                return [.. _updates.Select(entry => entry.Update)];
            }
        }
    }

    public IReadOnlyList<T> All<T>()
        where T : RealtimeServerUpdate => [.. Updates.OfType<T>()];

    /// <summary>When the first update matching <paramref name="match"/> arrived (on the recorder's clock).</summary>
    public TimeSpan ArrivalOf(Func<RealtimeServerUpdate, bool> match)
    {
        lock (_updates)
        {
            return _updates.First(entry => match(entry.Update)).At;
        }
    }

    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null, int skip = 0)
        where T : RealtimeServerUpdate
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            var found = All<T>().Where(update => match?.Invoke(update) ?? true).Skip(skip).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }

            if (Failure is not null)
            {
                throw new InvalidOperationException("The session failed while waiting.", Failure);
            }

            if (deadline.Elapsed > limit)
            {
                var seen = string.Join(", ", Updates.Select(update => update.Kind.ToString()));
                throw new TimeoutException($"No {typeof(T).Name} within {limit.TotalSeconds} s. Seen: {seen}");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Session.Dispose();
        try
        {
            await _receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        try
        {
            await foreach (var update in Session.ReceiveUpdatesAsync(_stop.Token))
            {
                lock (_updates)
                {
                    _updates.Add((update, _clock.Elapsed));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception)
        {
            Failure = exception;
        }
    }
}
