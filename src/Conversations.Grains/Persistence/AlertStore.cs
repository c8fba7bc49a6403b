using System.Data.Common;
using Conversations.Domain.Emergency;
using Conversations.Grains.Hosting;
using Conversations.Grains.Streams;
using Npgsql;

namespace Conversations.Grains.Persistence;

/// <summary>Emergency levels and the alerts they raise, with their delivery to supervisors (stream and webhook).</summary>
public sealed class AlertStore(NpgsqlDataSource dataSource, SiloIdentity silo)
{
    private const string AlertColumns =
        "id, conversation_id, user_id, level, category, excerpt, transcript_seq, created_at, status, acknowledged_at, acknowledged_by";

    /// <summary>
    /// In the activation's fenced transaction: raises the conversation's emergency level (it never goes down: the column
    /// only takes a higher value) and, from level 2, records an alert (one per conversation and level), with their feed
    /// events. Idempotent, so a retried transaction adds nothing twice. Returns the stored conversation and the new alert.
    /// </summary>
    public static async Task<(ConversationRecord Conversation, EmergencyAlert? Alert)> RaiseAsync(
        NpgsqlTransaction transaction, ConversationRecord conversation, EmergencyLevel level, string excerpt, long transcriptSeq, string siloId, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var category = level.Category.WireName();
        ConversationRecord updated;
        bool raised;
        await using (var command = new NpgsqlCommand($"""
            WITH previous AS (SELECT emergency_level FROM conversations WHERE id = $1)
            UPDATE conversations c
            SET emergency_level = GREATEST(c.emergency_level, $2), emergency_category = CASE WHEN $2 > c.emergency_level THEN $3 ELSE c.emergency_category END,
                flagged = c.flagged OR $2 >= 3, version = c.version + 1
            FROM previous
            WHERE c.id = $1
            RETURNING {string.Join(", ", ConversationStore.Columns.Split(", ").Select(column => "c." + column))}, $2 > previous.emergency_level
            """, connection, transaction))
        {
            command.Parameters.AddWithValue(conversation.Id);
            command.Parameters.AddWithValue(level.Value);
            command.Parameters.AddWithValue(category);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Conversation {conversation.Id} is gone.");
            }

            updated = ConversationStore.ReadRecord(reader);
            raised = reader.GetBoolean(ConversationStore.ColumnCount);
        }

        if (raised)
        {
            await EventFeed.AppendAsync(transaction, conversation.Id, "emergency", siloId, w =>
            {
                w.WriteNumber("level", level.Value);
                w.WriteString("category", category);
            }, cancellationToken);
        }

        if (level.Value < 2)
        {
            return (updated, null);
        }

        EmergencyAlert? alert = null;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO emergency_alerts (conversation_id, user_id, level, category, excerpt, transcript_seq, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
            ON CONFLICT (conversation_id, level) DO NOTHING
            RETURNING {AlertColumns}
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(conversation.Id);
            insert.Parameters.AddWithValue(conversation.UserId);
            insert.Parameters.AddWithValue(level.Value);
            insert.Parameters.AddWithValue(category);
            insert.Parameters.AddWithValue(excerpt.Length > 500 ? excerpt[..500] : excerpt);
            insert.Parameters.AddWithValue(transcriptSeq);
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                alert = ReadAlert(reader);
            }
        }

        if (alert is not null)
        {
            await EventFeed.AppendAsync(transaction, conversation.Id, "alert", siloId, w => WriteAlert(w, alert), cancellationToken);
        }

        return (updated, alert);
    }

    /// <summary>Alerts with <paramref name="status"/> (any when null): open ones first, newest first within each; a page of them.</summary>
    public async Task<IReadOnlyList<EmergencyAlert>> ListAsync(string? status, int limit, int offset = 0, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {AlertColumns} FROM emergency_alerts WHERE $1::text IS NULL OR status = $1 ORDER BY status = 'open' DESC, created_at DESC, id DESC LIMIT $2 OFFSET $3");
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(offset);
        var alerts = new List<EmergencyAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(ReadAlert(reader));
        }

        return alerts;
    }

    /// <summary>How many alerts have <paramref name="status"/> (all when null).</summary>
    public async Task<int> CountAsync(string? status, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM emergency_alerts WHERE $1::text IS NULL OR status = $1");
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Acknowledges an open alert (idempotent); null when there is no such alert.</summary>
    public async Task<EmergencyAlert?> AcknowledgeAsync(long id, string supervisor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        EmergencyAlert? alert;
        bool changed;
        await using (var command = new NpgsqlCommand($"""
            WITH acknowledged AS (
                UPDATE emergency_alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2
                WHERE id = $1 AND status = 'open' RETURNING {AlertColumns}, true AS changed)
            SELECT * FROM acknowledged
            UNION ALL
            SELECT {AlertColumns}, false FROM emergency_alerts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM acknowledged)
            """, connection, transaction))
        {
            command.Parameters.AddWithValue(id);
            command.Parameters.AddWithValue(supervisor);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            alert = ReadAlert(reader);
            changed = reader.GetBoolean(11);
        }

        if (changed)
        {
            await EventFeed.AppendAsync(transaction, alert.ConversationId, "alert_acknowledged", silo.Id, w =>
            {
                w.WriteNumber("alert_id", alert.Id);
                w.WriteString("by", supervisor);
            }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return alert;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> alerts whose webhook is due (FOR UPDATE SKIP LOCKED: nodes never send the
    /// same alert at the same time) and runs <paramref name="deliver"/> for each; the outcome is recorded.
    /// </summary>
    public async Task<int> DeliverDueAsync(int maxAttempts, Func<EmergencyAlert, Task<bool>> deliver, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<EmergencyAlert>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {AlertColumns} FROM emergency_alerts
            WHERE webhook_delivered_at IS NULL AND webhook_attempts < $1
              AND created_at + (interval '1 second' * (power(2, webhook_attempts) - 1)) <= now()
            ORDER BY created_at LIMIT 20
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            command.Parameters.AddWithValue(maxAttempts);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(ReadAlert(reader));
            }
        }

        foreach (var alert in due)
        {
            var delivered = await deliver(alert);
            await using var record = new NpgsqlCommand(
                "UPDATE emergency_alerts SET webhook_attempts = webhook_attempts + 1, webhook_delivered_at = CASE WHEN $2 THEN now() END WHERE id = $1",
                connection,
                transaction);
            record.Parameters.AddWithValue(alert.Id);
            record.Parameters.AddWithValue(delivered);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    internal static void WriteAlert(System.Text.Json.Utf8JsonWriter w, EmergencyAlert alert)
    {
        w.WriteNumber("alert_id", alert.Id);
        w.WriteString("conversation_id", alert.ConversationId);
        w.WriteString("user_id", alert.UserId);
        w.WriteNumber("level", alert.Level);
        w.WriteString("category", alert.Category);
        w.WriteString("excerpt", alert.Excerpt);
        w.WriteString("created_at", alert.CreatedAt);
        w.WriteString("status", alert.Status);
    }

    private static EmergencyAlert ReadAlert(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt32(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetInt64(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetString(10));
}

/// <summary>An emergency alert for supervisors.</summary>
public sealed record EmergencyAlert(
    long Id,
    string ConversationId,
    string UserId,
    int Level,
    string Category,
    string Excerpt,
    long TranscriptSeq,
    DateTimeOffset CreatedAt,
    string Status,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy);
