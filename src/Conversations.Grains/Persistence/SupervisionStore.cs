using Conversations.Grains.Streams;
using Npgsql;

namespace Conversations.Grains.Persistence;

/// <summary>
/// Who leads a conversation (a supervisor, or the AI) and the audit trail of everything supervisors do in it: written in
/// the activation's fenced journal transactions, each with a <c>supervision</c> event on the supervisors' feed.
/// </summary>
public sealed class SupervisionStore(NpgsqlDataSource dataSource)
{
    /// <summary>A supervisor takes the lead from the AI, from transcript seq <paramref name="sinceSeq"/> on.</summary>
    public static async Task<ConversationRecord> TakeOverAsync(NpgsqlTransaction transaction, string conversationId, string supervisorId, long sinceSeq, string siloId, CancellationToken cancellationToken)
    {
        var record = await SetLeadAsync(transaction, conversationId, supervisorId, sinceSeq, cancellationToken);
        await AuditAsync(transaction, conversationId, supervisorId, "take_over", null, siloId, cancellationToken);
        return record;
    }

    /// <summary>The lead goes back to the AI (<paramref name="reason"/>: <c>handed_back</c>, or <c>supervisor_gone</c> when its socket did not come back).</summary>
    public static async Task<ConversationRecord> HandBackAsync(NpgsqlTransaction transaction, string conversationId, string supervisorId, string reason, string siloId, CancellationToken cancellationToken)
    {
        var record = await SetLeadAsync(transaction, conversationId, null, null, cancellationToken);
        await AuditAsync(transaction, conversationId, supervisorId, "hand_back", reason, siloId, cancellationToken);
        return record;
    }

    /// <summary>Records one supervisor action (<c>join</c>, <c>leave</c>, <c>say</c>, <c>speak</c> …) and announces it on the feed.</summary>
    public static async Task<int> AuditAsync(NpgsqlTransaction transaction, string conversationId, string supervisorId, string action, string? detail, string siloId, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO supervision_audit (conversation_id, supervisor_id, action, detail, at) VALUES ($1, $2, $3, $4, clock_timestamp())", transaction.Connection, transaction))
        {
            insert.Parameters.AddWithValue(conversationId);
            insert.Parameters.AddWithValue(supervisorId);
            insert.Parameters.AddWithValue(action);
            insert.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)detail ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await EventFeed.AppendAsync(transaction, conversationId, "supervision", siloId, w =>
        {
            w.WriteString("action", action);
            w.WriteString("supervisor_id", supervisorId);
            if (detail is not null)
            {
                w.WriteString("detail", detail);
            }
        }, cancellationToken);
        return 0;
    }

    /// <summary>The audit trail of a conversation, oldest first.</summary>
    public async Task<IReadOnlyList<SupervisionAuditEntry>> ReadAuditAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, supervisor_id, action, detail, at FROM supervision_audit WHERE conversation_id = $1 ORDER BY id");
        command.Parameters.AddWithValue(conversationId);
        var entries = new List<SupervisionAuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SupervisionAuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return entries;
    }

    private static async Task<ConversationRecord> SetLeadAsync(NpgsqlTransaction transaction, string conversationId, string? supervisorId, long? sinceSeq, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE conversations SET led_by = $2, led_since = CASE WHEN $2 IS NULL THEN NULL ELSE now() END, led_since_seq = $3, version = version + 1
            WHERE id = $1
            RETURNING {ConversationStore.Columns}
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(conversationId);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)supervisorId ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)sinceSeq ?? DBNull.Value);
        return await ConversationStore.ReadOneAsync(command, cancellationToken);
    }
}

/// <summary>One supervisor action in a conversation's audit trail.</summary>
public sealed record SupervisionAuditEntry(long Id, string SupervisorId, string Action, string? Detail, DateTimeOffset At);
