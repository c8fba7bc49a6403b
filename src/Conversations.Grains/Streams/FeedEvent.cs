using System.Globalization;
using System.Text.Json;

namespace Conversations.Grains.Streams;

/// <summary>One event of a grain's stream as the feed delivers it, with the cursor to resume after it.</summary>
public sealed record FeedEvent(FeedCursor Cursor, string Stream, string Kind, JsonElement Payload, string NodeId, DateTimeOffset At);

/// <summary>A position in the feed: the writing transaction and the row id (commit order, then insert order).</summary>
public readonly record struct FeedCursor(ulong Transaction, long Id)
{
    /// <summary>Before every event.</summary>
    public static FeedCursor Start => default;

    /// <summary>"tx.id", the form used in SSE ids and query strings.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Transaction}.{Id}");

    public static bool TryParse(string? text, out FeedCursor cursor)
    {
        cursor = Start;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !ulong.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var tx)
            || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new FeedCursor(tx, id);
        return true;
    }
}
