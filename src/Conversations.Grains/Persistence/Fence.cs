using Npgsql;
using Orleans.Storage;

namespace Conversations.Grains.Persistence;

/// <summary>
/// The proof that an activation claimed its conversation: the epoch it raised the row to (its ETag). Every durable
/// write of the activation runs in a transaction that first checks it under a share lock on the row.
/// </summary>
public readonly record struct Fence(string ConversationId, long Epoch)
{
    /// <summary>
    /// Locks the conversation row for share (a newer activation's claim waits for this transaction, and this one sees
    /// a claim that committed first) and checks the epoch is still this activation's.
    /// </summary>
    /// <exception cref="InconsistentStateException">Another activation has claimed the conversation since: this one is stale.</exception>
    public async Task CheckAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT epoch FROM conversations WHERE id = $1 FOR SHARE", transaction.Connection, transaction);
        command.Parameters.AddWithValue(ConversationId);
        var stored = await command.ExecuteScalarAsync(cancellationToken) as long?;
        if (stored != Epoch)
        {
            throw new InconsistentStateException(
                $"Conversation {ConversationId} was claimed by another activation (epoch {stored?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "gone"}, this one {Epoch}).",
                stored?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
