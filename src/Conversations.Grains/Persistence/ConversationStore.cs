using System.Data.Common;
using System.Security.Cryptography;
using Conversations.Abstractions.Conversations;
using Conversations.Domain.Transcript;
using Npgsql;
using NpgsqlTypes;

namespace Conversations.Grains.Persistence;

/// <summary>
/// Conversations and their transcripts in PostgreSQL. Reads are plain; the owning activation claims the conversation
/// (<see cref="ClaimAsync"/>) and writes only inside its fenced journal transactions (the methods taking a transaction).
/// </summary>
public sealed class ConversationStore(NpgsqlDataSource dataSource)
{
    internal const string Columns =
        "id, user_id, character_id, tier, status, created_at, ended_at, end_reason, used_seconds, cost_usd, emergency_level, emergency_category, "
        + "flagged, summary, version, epoch, attached, silo, attached_at, detached_at, led_by, led_since, led_since_seq, human_seconds";

    /// <summary>How many columns <see cref="Columns"/> lists (the index of whatever a query selects after them).</summary>
    internal const int ColumnCount = 24;

    /// <summary>A new conversation id: <c>conv_</c> and 24 random hex digits.</summary>
    public static string NewId() => "conv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public async Task<ConversationRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!CanBeStored(id))
        {
            return null; // Asking PostgreSQL would fail (22021) rather than answer "none".
        }

        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM conversations WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : null;
    }

    /// <summary>
    /// Claims the conversation for a new activation: raises its epoch, so every write of an older activation fails from
    /// now on. Waits for an older activation's fenced transaction in flight (it holds a share lock on the row).
    /// </summary>
    /// <exception cref="ConversationNotFoundException">There is no such conversation.</exception>
    /// <exception cref="ConversationEndedException">It has ended; ended conversations are never activated.</exception>
    public async Task<ConversationRecord> ClaimAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE conversations SET epoch = epoch + 1, version = version + 1 WHERE id = $1 AND status <> 'ended' RETURNING {Columns}");
        command.Parameters.AddWithValue(id);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                return ReadRecord(reader);
            }
        }

        throw await FindAsync(id, cancellationToken) is null
            ? new ConversationNotFoundException(id)
            : new ConversationEndedException(id);
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
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)afterId ?? DBNull.Value);
        command.Parameters.AddWithValue(limit);
        return await ReadRecordsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<TranscriptEntry>> ReadTranscriptAsync(string conversationId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, role, text, at, item_id, speaker_id FROM transcript_entries WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
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
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return entries;
    }

    /// <summary>The text of the conversation's last <paramref name="count"/> user entries, oldest first (the emergency screening's context).</summary>
    public async Task<IReadOnlyList<string>> RecentUserTextsAsync(string conversationId, int count, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT text FROM (
                SELECT seq, text FROM transcript_entries WHERE conversation_id = $1 AND role = 'user' ORDER BY seq DESC LIMIT $2
            ) AS recent ORDER BY seq
            """);
        command.Parameters.AddWithValue(conversationId);
        command.Parameters.AddWithValue(count);
        var texts = new List<string>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }

    public async Task<long> LastSeqAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM transcript_entries WHERE conversation_id = $1");
        command.Parameters.AddWithValue(conversationId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Appends an entry in the activation's fenced transaction. Idempotent: a retried append of the same seq (after a
    /// failure whose commit did in fact land) finds the row and adds nothing. True when this call stored it.
    /// </summary>
    public static async Task<bool> AppendTranscriptAsync(NpgsqlTransaction transaction, string conversationId, TranscriptEntry entry, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO transcript_entries (conversation_id, seq, role, text, item_id, at, speaker_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (conversation_id, seq) DO NOTHING
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(conversationId);
        command.Parameters.AddWithValue(entry.Seq);
        command.Parameters.AddWithValue(entry.Role.WireName());
        command.Parameters.AddWithValue(entry.Text);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)entry.ItemId ?? DBNull.Value);
        command.Parameters.AddWithValue(entry.At);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)entry.SpeakerId ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Writes the conversation's life-cycle fields (status, end, summary) in the activation's fenced transaction.</summary>
    public static async Task<ConversationRecord> SaveAsync(NpgsqlTransaction transaction, ConversationRecord state, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE conversations
            SET status = $2, ended_at = $3, end_reason = $4, summary = $5, version = version + 1,
                attached = attached AND $2 <> 'ended'
            WHERE id = $1
            RETURNING {Columns}
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(state.Id);
        command.Parameters.AddWithValue(StatusName(state.Status));
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)state.EndedAt ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)state.EndReason ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)state.Summary ?? DBNull.Value);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Records whether a client is attached and on which silo (the dashboard's live list), in the activation's fenced transaction.</summary>
    public static async Task<ConversationRecord> SetAttachmentAsync(NpgsqlTransaction transaction, string conversationId, bool attached, string silo, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE conversations
            SET attached = $2, silo = $3, attached_at = CASE WHEN $2 THEN now() ELSE attached_at END,
                detached_at = CASE WHEN $2 THEN NULL ELSE now() END
            WHERE id = $1
            RETURNING {Columns}
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(conversationId);
        command.Parameters.AddWithValue(attached);
        command.Parameters.AddWithValue(silo);
        return await ReadOneAsync(command, cancellationToken);
    }

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

    /// <summary>The live conversations (attached at least once, not ended), attached ones first, for the dashboard.</summary>
    public async Task<IReadOnlyList<ConversationRecord>> ListLiveAsync(int limit, int offset, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM conversations
            WHERE status = 'active'
            ORDER BY attached DESC, emergency_level DESC, created_at DESC, id DESC
            LIMIT $1 OFFSET $2
            """);
        command.Parameters.AddWithValue(limit);
        command.Parameters.AddWithValue(offset);
        return await ReadRecordsAsync(command, cancellationToken);
    }

    /// <summary>Whether <paramref name="text"/> fits a PostgreSQL UTF-8 text column: no NUL, no lone surrogate.</summary>
    internal static bool CanBeStored(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf16(text, out var rune, out var used) != System.Buffers.OperationStatus.Done || rune.Value == 0)
            {
                return false;
            }

            text = text[used..];
        }

        return true;
    }

    /// <summary>How many conversations are live, with a client attached and without.</summary>
    public async Task<(int Attached, int Detached)> CountLiveAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE attached)::int, count(*) FILTER (WHERE NOT attached)::int FROM conversations WHERE status = 'active'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    internal static string StatusName(ConversationStatus status) => status switch
    {
        ConversationStatus.Created => "created",
        ConversationStatus.Active => "active",
        _ => "ended",
    };

    internal static async Task<ConversationRecord> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? ReadRecord(reader)
            : throw new InvalidOperationException("The conversation row is gone.");
    }

    private static async Task<IReadOnlyList<ConversationRecord>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<ConversationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

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
        reader.GetInt64(14),
        reader.GetInt64(15),
        reader.GetBoolean(16),
        reader.IsDBNull(17) ? null : reader.GetString(17),
        reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18),
        reader.IsDBNull(19) ? null : reader.GetFieldValue<DateTimeOffset>(19),
        reader.IsDBNull(20) ? null : reader.GetString(20),
        reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21),
        reader.IsDBNull(22) ? null : reader.GetInt64(22),
        reader.GetDecimal(23));
}
