using Conversations.Domain.Characters;
using Conversations.Domain.Cost;
using Conversations.Domain.Tiers;
using Conversations.Grains.Streams;
using Npgsql;

namespace Conversations.Grains.Persistence;

/// <summary>
/// The money and time side of conversations: starting one within the month's limits, charging its clock and its
/// responses. The user's monthly ledger and the conversation always change in one transaction.
/// </summary>
public sealed class UsageStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Creates a conversation when the user's month allows it: the ledger row is locked for the check and the count,
    /// so parallel starts cannot overshoot the monthly number of conversations.
    /// </summary>
    public async Task<(ConversationRecord? Record, StartDecision Decision, UsageLedger Ledger)> StartAsync(
        string id, string userId, Character character, Tier tier, UsagePeriod period, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ledger = await LockLedgerAsync(connection, transaction, userId, period, cancellationToken);
        var decision = QuotaPolicy.CanStart(ledger, tier, character.Mode);
        if (!decision.IsAllowed)
        {
            return (null, decision, ledger);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var count = new NpgsqlBatchCommand("UPDATE user_usage SET conversations = conversations + 1 WHERE user_id = $1 AND period = $2");
        count.Parameters.AddWithValue(userId);
        count.Parameters.AddWithValue(period.ToString());
        var insert = new NpgsqlBatchCommand(
            $"INSERT INTO conversations (id, user_id, character_id, tier, status) VALUES ($1, $2, $3, $4, 'created') RETURNING {ConversationStore.Columns}");
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(userId);
        insert.Parameters.AddWithValue(character.Id);
        insert.Parameters.AddWithValue(tier.Id);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(insert);
        ConversationRecord record;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // The UPDATE returns no result set, so the reader starts at the INSERT's.
            await reader.ReadAsync(cancellationToken);
            record = ConversationStore.ReadRecord(reader);
        }

        await transaction.CommitAsync(cancellationToken);
        return (record, decision, ledger with { Conversations = ledger.Conversations + 1 });
    }

    /// <summary>The user's month as stored.</summary>
    public async Task<UsageLedger> LedgerAsync(string userId, UsagePeriod period, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT seconds, dollars, conversations FROM user_usage WHERE user_id = $1 AND period = $2");
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(period.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new UsageLedger(period, reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt32(2))
            : UsageLedger.Empty(period);
    }

    /// <summary>
    /// In the activation's fenced transaction: advances the conversation's clock by up to <paramref name="seconds"/> and
    /// charges the same to the user's month. The charge stops at the monthly allowance, so parallel conversations of one
    /// user never push the month past it. <paramref name="chargeKey"/> makes a retry a no-op (null is returned then).
    /// </summary>
    public static async Task<TimeCharge?> ChargeTimeAsync(
        NpgsqlTransaction transaction, ConversationRecord conversation, Tier tier, long seconds, string chargeKey, UsagePeriod period, string siloId, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        if (!await ClaimChargeKeyAsync(transaction, conversation, chargeKey, period, seconds: 0, human: false, cancellationToken))
        {
            return null;
        }

        await LockLedgerAsync(connection, transaction, conversation.UserId, period, cancellationToken);
        await using var charge = new NpgsqlCommand("""
            UPDATE user_usage u SET seconds = u.seconds + c.charge
            FROM (SELECT LEAST($3, GREATEST($4 - seconds, 0)) AS charge FROM user_usage WHERE user_id = $1 AND period = $2) c
            WHERE u.user_id = $1 AND u.period = $2
            RETURNING u.seconds, u.dollars, u.conversations, c.charge
            """, connection, transaction);
        charge.Parameters.AddWithValue(conversation.UserId);
        charge.Parameters.AddWithValue(period.ToString());
        charge.Parameters.AddWithValue(Math.Max(0, seconds));
        charge.Parameters.AddWithValue(tier.MonthlySeconds);
        UsageLedger ledger;
        long charged;
        await using (var reader = await charge.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            ledger = new UsageLedger(period, reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt32(2));
            charged = reader.GetInt64(3);
        }

        await using (var record = new NpgsqlCommand("UPDATE time_charges SET seconds = $3 WHERE conversation_id = $1 AND charge_key = $2", connection, transaction))
        {
            record.Parameters.AddWithValue(conversation.Id);
            record.Parameters.AddWithValue(chargeKey);
            record.Parameters.AddWithValue(charged);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        var updated = await AdvanceConversationAsync(transaction, conversation.Id, charged, 0m, cancellationToken);
        var decision = QuotaPolicy.Evaluate((long)updated.UsedSeconds, ledger, tier, updated.CostUsd);
        await EventFeed.AppendAsync(transaction, conversation.Id, "quota", siloId, w =>
        {
            w.WriteNumber("used_seconds", updated.UsedSeconds);
            w.WriteNumber("remaining_seconds", decision.RemainingSeconds);
            w.WriteNumber("cost_usd", updated.CostUsd);
        }, cancellationToken);
        return new TimeCharge(updated, ledger, charged, decision);
    }

    /// <summary>
    /// In the activation's fenced transaction: records time a human led the conversation. It is kept apart — neither the
    /// conversation's AI time nor the user's month is charged — and keyed like any charge, so a retry records it once.
    /// </summary>
    public static async Task<ConversationRecord?> RecordHumanTimeAsync(NpgsqlTransaction transaction, ConversationRecord conversation, long seconds, string chargeKey, UsagePeriod period, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        if (!await ClaimChargeKeyAsync(transaction, conversation, chargeKey, period, seconds, human: true, cancellationToken))
        {
            return null;
        }

        await using var command = new NpgsqlCommand($"""
            UPDATE conversations SET human_seconds = human_seconds + $2, version = version + 1 WHERE id = $1 RETURNING {ConversationStore.Columns}
            """, connection, transaction);
        command.Parameters.AddWithValue(conversation.Id);
        command.Parameters.AddWithValue((decimal)seconds);
        return await ConversationStore.ReadOneAsync(command, cancellationToken);
    }

    /// <summary>
    /// In the activation's fenced transaction: records one response's usage and its price, and adds the dollars to the
    /// conversation and the user's month. A response recorded before (same response id) is not charged twice: null.
    /// </summary>
    public static async Task<UsageCharge?> ChargeUsageAsync(
        NpgsqlTransaction transaction, ConversationRecord conversation, Tier tier, UsageRecord usage, decimal dollars, UsagePeriod period, string siloId, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO usage_records (conversation_id, response_id, user_id, period, model, text_input_tokens, cached_text_input_tokens,
                audio_input_tokens, cached_audio_input_tokens, text_output_tokens, audio_output_tokens, stt_seconds, tts_characters, dollars)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (conversation_id, response_id) DO NOTHING
            """, connection, transaction))
        {
            var tokens = usage.Tokens;
            insert.Parameters.AddWithValue(conversation.Id);
            insert.Parameters.AddWithValue(usage.ResponseId ?? throw new ArgumentException("A usage record needs its response id (the idempotency key).", nameof(usage)));
            insert.Parameters.AddWithValue(conversation.UserId);
            insert.Parameters.AddWithValue(period.ToString());
            insert.Parameters.AddWithValue(usage.Model);
            insert.Parameters.AddWithValue(tokens.TextInput);
            insert.Parameters.AddWithValue(tokens.CachedTextInput);
            insert.Parameters.AddWithValue(tokens.AudioInput);
            insert.Parameters.AddWithValue(tokens.CachedAudioInput);
            insert.Parameters.AddWithValue(tokens.TextOutput);
            insert.Parameters.AddWithValue(tokens.AudioOutput);
            insert.Parameters.AddWithValue(usage.SttSeconds);
            insert.Parameters.AddWithValue(usage.TtsCharacters);
            insert.Parameters.AddWithValue(dollars);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }

        await LockLedgerAsync(connection, transaction, conversation.UserId, period, cancellationToken);
        UsageLedger ledger;
        await using (var charge = new NpgsqlCommand(
            "UPDATE user_usage SET dollars = dollars + $3 WHERE user_id = $1 AND period = $2 RETURNING seconds, dollars, conversations", connection, transaction))
        {
            charge.Parameters.AddWithValue(conversation.UserId);
            charge.Parameters.AddWithValue(period.ToString());
            charge.Parameters.AddWithValue(dollars);
            await using var reader = await charge.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            ledger = new UsageLedger(period, reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt32(2));
        }

        var updated = await AdvanceConversationAsync(transaction, conversation.Id, 0, dollars, cancellationToken);
        await EventFeed.AppendAsync(transaction, conversation.Id, "usage", siloId, w =>
        {
            w.WriteNumber("dollars", dollars);
            w.WriteString("model", usage.Model);
            w.WriteNumber("cost_usd", updated.CostUsd);
        }, cancellationToken);
        return new UsageCharge(updated, ledger, QuotaPolicy.Evaluate((long)updated.UsedSeconds, ledger, tier, updated.CostUsd));
    }

    /// <summary>The sum of a conversation's usage records: what its <c>cost_usd</c> must equal.</summary>
    public async Task<decimal> RecordedDollarsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(sum(dollars), 0) FROM usage_records WHERE conversation_id = $1");
        command.Parameters.AddWithValue(conversationId);
        return (decimal)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // One statement: creates the month's row if needed and locks it either way (DO UPDATE takes the row lock).
    private static async Task<UsageLedger> LockLedgerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string userId, UsagePeriod period, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO user_usage (user_id, period) VALUES ($1, $2)
            ON CONFLICT (user_id, period) DO UPDATE SET user_id = EXCLUDED.user_id
            RETURNING seconds, dollars, conversations
            """, connection, transaction);
        command.Parameters.AddWithValue(userId);
        command.Parameters.AddWithValue(period.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new UsageLedger(period, reader.GetInt64(0), reader.GetDecimal(1), reader.GetInt32(2));
    }

    private static async Task<ConversationRecord> AdvanceConversationAsync(
        NpgsqlTransaction transaction, string conversationId, long seconds, decimal dollars, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE conversations SET used_seconds = used_seconds + $2, cost_usd = cost_usd + $3, version = version + 1
            WHERE id = $1
            RETURNING {ConversationStore.Columns}
            """, transaction.Connection, transaction);
        command.Parameters.AddWithValue(conversationId);
        command.Parameters.AddWithValue((decimal)seconds);
        command.Parameters.AddWithValue(dollars);
        return await ConversationStore.ReadOneAsync(command, cancellationToken);
    }

    // Records the charge key; false when it was recorded before (a retry, to be a no-op).
    private static async Task<bool> ClaimChargeKeyAsync(
        NpgsqlTransaction transaction, ConversationRecord conversation, string chargeKey, UsagePeriod period, long seconds, bool human, CancellationToken cancellationToken)
    {
        await using var claim = new NpgsqlCommand(
            "INSERT INTO time_charges (conversation_id, charge_key, user_id, period, seconds, human) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            transaction.Connection,
            transaction);
        claim.Parameters.AddWithValue(conversation.Id);
        claim.Parameters.AddWithValue(chargeKey);
        claim.Parameters.AddWithValue(conversation.UserId);
        claim.Parameters.AddWithValue(period.ToString());
        claim.Parameters.AddWithValue(seconds);
        claim.Parameters.AddWithValue(human);
        return await claim.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}

/// <summary>The result of a clock tick: the conversation and month after it, what was charged, and what to do next.</summary>
public sealed record TimeCharge(ConversationRecord Conversation, UsageLedger Ledger, long Charged, QuotaDecision Decision);

/// <summary>The result of recording a response's usage.</summary>
public sealed record UsageCharge(ConversationRecord Conversation, UsageLedger Ledger, QuotaDecision Decision);
