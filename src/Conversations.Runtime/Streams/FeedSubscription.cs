using System.Runtime.CompilerServices;

namespace Conversations.Runtime.Streams;

/// <summary>Reads the feed after a cursor, then follows it live: woken by the node's <see cref="FeedSignal"/>.</summary>
public sealed class FeedSubscription(EventFeed feed, FeedSignal signal)
{
    private const int PageSize = 500;

    /// <summary>Every event after <paramref name="after"/>, in commit order, for as long as the caller keeps reading.</summary>
    public async IAsyncEnumerable<FeedEvent> FollowAsync(FeedCursor after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = after;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Take the wake-up before reading, so a notification during the read is not lost.
            var woken = signal.NextAsync(cancellationToken);
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

            await woken;
        }
    }
}
