using Npgsql;
using NpgsqlTypes;

namespace Conversations.Runtime.Leases;

/// <summary>Leases in PostgreSQL: one row per grain key with an owner, a growing epoch and an expiry, all on the database clock.</summary>
public sealed class LeaseStore(NpgsqlDataSource dataSource)
{
    // One statement, no read-then-write: a new row starts at epoch 1; an existing row is taken over only when it has
    // expired, is already this node's, or belongs to a node the cluster declared dead; every takeover bumps the epoch. RETURNING nothing means someone else holds it.
    private const string AcquireSql = """
        INSERT INTO conversation_leases AS l (conversation_id, node_id, epoch, expires_at)
        VALUES ($1, $2, 1, now() + $3)
        ON CONFLICT (conversation_id) DO UPDATE
            SET node_id = EXCLUDED.node_id, epoch = l.epoch + 1, expires_at = EXCLUDED.expires_at
            WHERE l.expires_at < now() OR l.node_id = EXCLUDED.node_id
               OR EXISTS (SELECT 1 FROM nodes n WHERE n.node_id = l.node_id AND n.status = 'dead')
        RETURNING epoch
        """;

    /// <summary>Takes the lease on <paramref name="key"/> for <paramref name="nodeId"/>, or returns null when a live lease belongs to another node.</summary>
    public async Task<Fence?> TryAcquireAsync(string key, string nodeId, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(AcquireSql);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(nodeId);
        command.Parameters.AddWithValue(NpgsqlDbType.Interval, duration);
        var epoch = await command.ExecuteScalarAsync(cancellationToken);
        return epoch is long value ? new Fence(key, nodeId, value) : null;
    }

    /// <summary>Extends every listed lease this node still holds at the same epoch; returns the keys whose lease is lost.</summary>
    /// <remarks>One statement per renewal round for all of a node's activations, instead of one per activation.</remarks>
    public async Task<IReadOnlyList<Fence>> RenewAsync(IReadOnlyCollection<Fence> fences, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (fences.Count == 0)
        {
            return [];
        }

        var keys = fences.Select(f => f.Key).ToArray();
        var epochs = fences.Select(f => f.Epoch).ToArray();
        var nodes = fences.Select(f => f.NodeId).ToArray();
        await using var command = dataSource.CreateCommand("""
            UPDATE conversation_leases AS l SET expires_at = now() + $4
            FROM unnest($1::text[], $2::bigint[], $3::text[]) AS mine(conversation_id, epoch, node_id)
            WHERE l.conversation_id = mine.conversation_id AND l.epoch = mine.epoch AND l.node_id = mine.node_id
            RETURNING l.conversation_id
            """);
        command.Parameters.AddWithValue(keys);
        command.Parameters.AddWithValue(epochs);
        command.Parameters.AddWithValue(nodes);
        command.Parameters.AddWithValue(NpgsqlDbType.Interval, duration);
        var renewed = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                renewed.Add(reader.GetString(0));
            }
        }

        return [.. fences.Where(f => !renewed.Contains(f.Key))];
    }

    /// <summary>Gives the lease up at once (the row and its epoch stay, so the next owner's epoch is higher).</summary>
    public async Task ReleaseAsync(Fence fence, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE conversation_leases SET expires_at = '-infinity' WHERE conversation_id = $1 AND epoch = $2 AND node_id = $3");
        command.Parameters.AddWithValue(fence.Key);
        command.Parameters.AddWithValue(fence.Epoch);
        command.Parameters.AddWithValue(fence.NodeId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The current live owner of <paramref name="key"/>, if any.</summary>
    public async Task<LeaseOwner?> FindOwnerAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT l.node_id, l.epoch, n.address FROM conversation_leases l
            LEFT JOIN nodes n ON n.node_id = l.node_id
            WHERE l.conversation_id = $1 AND l.expires_at > now() AND (n.status IS NULL OR n.status <> 'dead')
            """);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LeaseOwner(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : new Uri(reader.GetString(2)))
            : null;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction that first locks the lease row (FOR SHARE) and checks the epoch.
    /// </summary>
    /// <remarks>
    /// The share lock makes a concurrent takeover wait until this write commits, and a takeover that committed first
    /// is seen here, so no write with a stale epoch can land after the lease has moved. Throws
    /// <see cref="StaleActivationException"/> when the fence no longer holds.
    /// </remarks>
    public async Task<T> WriteFencedAsync<T>(Fence fence, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(
            "SELECT node_id, epoch FROM conversation_leases WHERE conversation_id = $1 FOR SHARE", connection, transaction))
        {
            check.Parameters.AddWithValue(fence.Key);
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new StaleActivationException(fence, "no lease row");
            }

            var (node, epoch) = (reader.GetString(0), reader.GetInt64(1));
            if (epoch != fence.Epoch || !string.Equals(node, fence.NodeId, StringComparison.Ordinal))
            {
                throw new StaleActivationException(fence, $"lease is at epoch {epoch} on {node}");
            }
        }

        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

/// <summary>The node holding a live lease, its epoch, and where it listens (when it is in the membership table).</summary>
public sealed record LeaseOwner(string NodeId, long Epoch, Uri? Address);
