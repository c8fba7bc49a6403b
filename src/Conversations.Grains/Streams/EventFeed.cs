using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Conversations.Grains.Streams;

/// <summary>
/// The supervisors' feed in PostgreSQL: conversation events written into <c>feed_events</c> inside the grain's own
/// (fenced) transaction, and read in commit order. The live wake-up travels on an Orleans stream (<see cref="FeedSignal"/>).
/// </summary>
public sealed class EventFeed(NpgsqlDataSource dataSource)
{
    /// <summary>Appends an event as part of <paramref name="transaction"/>: it is visible exactly when that commits.</summary>
    public static async Task AppendAsync(NpgsqlTransaction transaction, string stream, string kind, string nodeId, Action<Utf8JsonWriter> payload, CancellationToken cancellationToken = default)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            payload(writer);
            writer.WriteEndObject();
        }

        await using var insert = new NpgsqlCommand("INSERT INTO feed_events (stream, kind, payload, node_id) VALUES ($1, $2, $3, $4)", transaction.Connection, transaction);
        insert.Parameters.AddWithValue(stream);
        insert.Parameters.AddWithValue(kind);
        insert.Parameters.AddWithValue(NpgsqlDbType.Jsonb, buffer.WrittenMemory.ToArray());
        insert.Parameters.AddWithValue(nodeId);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends one event in its own transaction (for writes that are not a grain's, e.g. an alert acknowledged over REST).</summary>
    public async Task AppendAsync(string stream, string kind, string nodeId, Action<Utf8JsonWriter> payload, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AppendAsync(transaction, stream, kind, nodeId, payload, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Events after <paramref name="after"/> in commit order, at most <paramref name="limit"/>. Only transactions older
    /// than every one still running are read, so an event that commits later always sorts after what was returned.
    /// </summary>
    public async Task<IReadOnlyList<FeedEvent>> ReadAsync(FeedCursor after, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tx::text, id, stream, kind, payload, node_id, at FROM feed_events
            WHERE (tx, id) > ($1::text::xid8, $2) AND tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx, id
            LIMIT $3
            """);
        command.Parameters.AddWithValue(after.Transaction.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue(after.Id);
        command.Parameters.AddWithValue(limit);
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>
    /// The events of <paramref name="kinds"/> written since <paramref name="since"/> and up to <paramref name="upTo"/>
    /// (inclusive), newest <paramref name="limit"/> of them in commit order: the history a dashboard starts from before it
    /// follows the feed after <paramref name="upTo"/>, so nothing is counted twice or missed.
    /// </summary>
    public async Task<IReadOnlyList<FeedEvent>> HistoryAsync(IReadOnlyList<string> kinds, DateTimeOffset since, FeedCursor upTo, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tx, id, stream, kind, payload, node_id, at FROM (
                SELECT tx::text AS tx, tx AS tx_order, id, stream, kind, payload, node_id, at FROM feed_events
                WHERE kind = ANY($1) AND at >= $2 AND (tx, id) <= ($3::text::xid8, $4)
                ORDER BY tx_order DESC, id DESC
                LIMIT $5
            ) newest ORDER BY tx_order, id
            """);
        command.Parameters.AddWithValue(kinds.ToArray());
        command.Parameters.AddWithValue(since);
        command.Parameters.AddWithValue(upTo.Transaction.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue(upTo.Id);
        command.Parameters.AddWithValue(limit);
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>The cursor after the newest readable event: where a subscriber that wants only what comes next starts.</summary>
    public async Task<FeedCursor> TailAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tx::text, id FROM feed_events
            WHERE tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx DESC, id DESC LIMIT 1
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new FeedCursor(ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(1))
            : FeedCursor.Start;
    }

    // Rows of (tx as text, id, stream, kind, payload, node_id, at), in the order the query gives them.
    private static async Task<IReadOnlyList<FeedEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<FeedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var payload = JsonDocument.Parse(reader.GetString(4));
            events.Add(new FeedEvent(
                new FeedCursor(ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                payload.RootElement.Clone(),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return events;
    }
}
