using System.Runtime.CompilerServices;
using Conversations.Abstractions.Streams;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Streams;

/// <summary>
/// The supervisors' feed for one reader: every event after a cursor, in commit order, read from PostgreSQL and woken
/// by the Orleans feed stream. The stream only wakes; a notice it loses (its producer died after committing) costs at
/// most the poll interval, never an event.
/// </summary>
public sealed class FeedFollower(EventFeed feed, IGrainFactory grains, ILogger<FeedFollower> logger)
{
    private const int PageSize = 500;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Every event after <paramref name="after"/>, in commit order, for as long as the caller keeps reading.</summary>
    public async IAsyncEnumerable<FeedEvent> FollowAsync(FeedCursor after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wake = new Wake();
        var listening = ListenAsync(wake, stop.Token);
        try
        {
            var cursor = after;
            while (!cancellationToken.IsCancellationRequested)
            {
                // Take the wake-up before reading, so a notice during the read is not lost.
                var woken = wake.NextAsync();
                IReadOnlyList<FeedEvent> page;
                do
                {
                    page = await feed.ReadAsync(cursor, PageSize, cancellationToken);
                    foreach (var item in page)
                    {
                        cursor = item.Cursor;
                        yield return item;
                    }
                }
                while (page.Count == PageSize);

                await Task.WhenAny(woken, Task.Delay(PollInterval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await stop.CancelAsync();
            await listening;
        }
    }

    private async Task ListenAsync(Wake wake, CancellationToken cancellationToken)
    {
        var listener = grains.GetGrain<IStreamListenerGrain>(Guid.NewGuid(), StreamListenerGrain.KeyOf(ConversationStreams.Feed));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in listener.ListenAsync(cancellationToken))
                {
                    wake.Pulse();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The poll keeps the reader going while the stream is unavailable.
                logger.LogDebug(e, "Feed stream listener ended; listening again");
                if (!await StreamPause.DelayAsync(PollInterval, cancellationToken))
                {
                    return;
                }
            }
        }
    }

    /// <summary>A level-triggered wake-up: each <see cref="Pulse"/> completes the task handed out before it.</summary>
    private sealed class Wake
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task NextAsync() => Volatile.Read(ref _next).Task;

        public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
