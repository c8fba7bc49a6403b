using System.Data.Common;
using System.Security.Cryptography;
using Conversations.Domain.Transcript;
using Conversations.Runtime.Leases;
using Npgsql;

namespace Conversations.Grains.Persistence;

/// <summary>
/// Conversations and their transcripts in PostgreSQL. Reads are plain; every write of the owning grain goes through the
/// lease fence and, for the conversation row, optimistic concurrency on <c>version</c>.
/// </summary>
public sealed class ConversationStore(NpgsqlDataSource dataSource, LeaseStore leases)
{
    internal const string Columns =
        "id, user_id, character_id, tier, status, created_at, ended_at, end_reason, used_seconds, cost_usd, emergency_level, emergency_category, flagged, summary, version";

    /// <summary>A new conversation id: <c>conv_</c> and 24 random hex digits.</summary>
    public static string NewId() => "conv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public async Task<ConversationRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM conversations WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : null;
    }

    /// <summary>The user's conversations, newest first, after the cursor (the id of the last one of the previous page).</summary>
    public async Task<IReadOnlyList<ConversationRecord>> ListForUserAsync(string userId, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM conversations
            WHERE user_id = $1
              AND ($2::text IS NULL OR (created_at, id) < (SELECT created_at, id FROM conversations WHERE id = $2 AND user_id = $1))
            ORDER BY created_at DESC, id DESC
            LIMIT $3
            """);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)afterId ?? DBNull.Value);
        command.Parameters.AddWithValue(limit);
        var records = new List<ConversationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    public async Task<IReadOnlyList<TranscriptEntry>> ReadTranscriptAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, role, text, at, item_id FROM transcript_entries WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
        command.Parameters.AddWithValue(conversationId);
        command.Parameters.AddWithValue(afterSeq);
        command.Parameters.AddWithValue(limit);
        var entries = new List<TranscriptEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new TranscriptEntry(
                reader.GetInt64(0),
                SpeakerNames.TryParse(reader.GetString(1), out var role) ? role : Speaker.Assistant,
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }

    public async Task<long> LastSeqAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM transcript_entries WHERE conversation_id = $1");
        command.Parameters.AddWithValue(conversationId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Appends an entry under the fence. Idempotent: a retried append of the same seq (after a timeout whose commit did
    /// in fact land) finds the row and does not add a second one.
    /// </summary>
    /// <returns>True when this call stored the entry, false when it was already there.</returns>
    public Task<bool> AppendTranscriptAsync(Fence fence, TranscriptEntry entry, CancellationToken cancellationToken = default) =>
        leases.WriteFencedAsync(fence, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO transcript_entries (conversation_id, seq, role, text, item_id, at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (conversation_id, seq) DO NOTHING
                """, connection, transaction);
            command.Parameters.AddWithValue(fence.Key);
            command.Parameters.AddWithValue(entry.Seq);
            command.Parameters.AddWithValue(entry.Role.WireName());
            command.Parameters.AddWithValue(entry.Text);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)entry.ItemId ?? DBNull.Value);
            command.Parameters.AddWithValue(entry.At);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    /// <summary>Writes the conversation's mutable state under the fence and the expected version; returns the stored record.</summary>
    /// <exception cref="StaleActivationException">The fence or the version no longer matches: another activation wrote.</exception>
    public Task<ConversationRecord> SaveAsync(Fence fence, ConversationRecord state, CancellationToken cancellationToken = default) =>
        leases.WriteFencedAsync(fence, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand($"""
                UPDATE conversations
                SET status = $3, ended_at = $4, end_reason = $5, used_seconds = $6, cost_usd = $7, emergency_level = $8,
                    summary = $9, emergency_category = $10, flagged = $11, version = version + 1
                WHERE id = $1 AND version = $2
                RETURNING {Columns}
                """, connection, transaction);
            command.Parameters.AddWithValue(state.Id);
            command.Parameters.AddWithValue(state.Version);
            command.Parameters.AddWithValue(StatusName(state.Status));
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)state.EndedAt ?? DBNull.Value);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)state.EndReason ?? DBNull.Value);
            command.Parameters.AddWithValue(state.UsedSeconds);
            command.Parameters.AddWithValue(state.CostUsd);
            command.Parameters.AddWithValue(state.EmergencyLevel);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)state.Summary ?? DBNull.Value);
            command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)state.EmergencyCategory ?? DBNull.Value);
            command.Parameters.AddWithValue(state.Flagged);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? ReadRecord(reader)
                : throw new StaleActivationException(fence, $"conversation version {state.Version} is no longer current");
        }, cancellationToken);

    /// <summary>Sets the summary of an ended conversation (no grain writes it any more); false if it is not ended.</summary>
    public async Task<bool> SetEndedSummaryAsync(string id, string summary, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE conversations SET summary = $2, version = version + 1 WHERE id = $1 AND status = 'ended'");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(summary);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes an ended conversation and its transcript; usage records and the monthly ledger stay, so billing is unchanged.</summary>
    public async Task<bool> DeleteEndedAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM conversations WHERE id = $1 AND status = 'ended'");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The live conversations (a client attached at least once, not ended, and a live lease), for the dashboard.</summary>
    public async Task<IReadOnlyList<(ConversationRecord Conversation, string NodeId)>> ListLiveAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {string.Join(", ", Columns.Split(", ").Select(c => "c." + c))}, l.node_id
            FROM conversations c JOIN conversation_leases l ON l.conversation_id = c.id AND l.expires_at > now()
            WHERE c.status = 'active'
            ORDER BY c.created_at DESC LIMIT $1
            """);
        command.Parameters.AddWithValue(limit);
        var live = new List<(ConversationRecord, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            live.Add((ReadRecord(reader), reader.GetString(15)));
        }

        return live;
    }

    private static string StatusName(ConversationStatus status) => status switch
    {
        ConversationStatus.Created => "created",
        ConversationStatus.Active => "active",
        _ => "ended",
    };

    internal static ConversationRecord ReadRecord(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4) switch
        {
            "created" => ConversationStatus.Created,
            "active" => ConversationStatus.Active,
            _ => ConversationStatus.Ended,
        },
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetDecimal(8),
        reader.GetDecimal(9),
        reader.GetInt32(10),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        reader.GetBoolean(12),
        reader.IsDBNull(13) ? null : reader.GetString(13),
        reader.GetInt64(14));
}
