using System.Data.Common;
using Conversations.Runtime.Hosting;
using Npgsql;

namespace Conversations.Runtime.Membership;

/// <summary>
/// The membership table in PostgreSQL, with Orleans' contract: reading returns the rows and the table version; every
/// status change is written with the version it was based on, and fails (returns false) when another node changed the
/// table meanwhile, so the caller re-reads and retries.
/// </summary>
public sealed class MembershipTable(NpgsqlDataSource dataSource)
{
    /// <summary>All nodes and the version they were read at.</summary>
    public async Task<MembershipSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long version;
        await using (var command = new NpgsqlCommand("SELECT version FROM membership_version WHERE id = 1", connection, transaction))
        {
            version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        var nodes = new List<NodeEntry>();
        await using (var command = new NpgsqlCommand(
            "SELECT node_id, name, generation, address, status, started_at, heartbeat_at, now() - heartbeat_at FROM nodes ORDER BY node_id", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                nodes.Add(ReadNode(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new MembershipSnapshot(version, nodes);
    }

    /// <summary>Inserts or updates a node's row as <paramref name="status"/> if the table is still at <paramref name="expectedVersion"/>.</summary>
    /// <returns>True when this write won; false when the version moved (re-read and retry).</returns>
    public async Task<bool> TryWriteAsync(NodeIdentity node, NodeStatus status, long expectedVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await BumpVersionAsync(connection, transaction, expectedVersion, cancellationToken))
        {
            return false;
        }

        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO nodes (node_id, name, generation, address, status, started_at, heartbeat_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, now(), now(), now())
            ON CONFLICT (node_id) DO UPDATE SET status = EXCLUDED.status, address = EXCLUDED.address, updated_at = now()
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue(node.Id);
            upsert.Parameters.AddWithValue(node.Name);
            upsert.Parameters.AddWithValue(node.Generation);
            upsert.Parameters.AddWithValue(node.AdvertisedAddress.ToString());
            upsert.Parameters.AddWithValue(StatusName(status));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Declares another node dead if the table is still at <paramref name="expectedVersion"/>.</summary>
    public async Task<bool> TryDeclareDeadAsync(string nodeId, long expectedVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await BumpVersionAsync(connection, transaction, expectedVersion, cancellationToken))
        {
            return false;
        }

        await using (var update = new NpgsqlCommand("UPDATE nodes SET status = 'dead', updated_at = now() WHERE node_id = $1", connection, transaction))
        {
            update.Parameters.AddWithValue(nodeId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>"I am alive": refreshes the heartbeat (no version change) and returns the node's status as the table has it.</summary>
    public async Task<NodeStatus?> HeartbeatAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE nodes SET heartbeat_at = now() WHERE node_id = $1 AND status <> 'dead' RETURNING status");
        command.Parameters.AddWithValue(nodeId);
        var status = await command.ExecuteScalarAsync(cancellationToken) as string;
        if (status is not null)
        {
            return ParseStatus(status);
        }

        // Not updated: either declared dead, or no row at all.
        await using var check = dataSource.CreateCommand("SELECT status FROM nodes WHERE node_id = $1");
        check.Parameters.AddWithValue(nodeId);
        return await check.ExecuteScalarAsync(cancellationToken) is string current ? ParseStatus(current) : null;
    }

    private static async Task<bool> BumpVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var bump = new NpgsqlCommand(
            "UPDATE membership_version SET version = version + 1, updated_at = now() WHERE id = 1 AND version = $1", connection, transaction);
        bump.Parameters.AddWithValue(expectedVersion);
        return await bump.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static NodeEntry ReadNode(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt64(2),
        new Uri(reader.GetString(3)),
        ParseStatus(reader.GetString(4)),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<TimeSpan>(7));

    private static string StatusName(NodeStatus status) => status switch
    {
        NodeStatus.Active => "active",
        NodeStatus.ShuttingDown => "shutting_down",
        _ => "dead",
    };

    private static NodeStatus ParseStatus(string status) => status switch
    {
        "active" => NodeStatus.Active,
        "shutting_down" => NodeStatus.ShuttingDown,
        _ => NodeStatus.Dead,
    };
}

/// <summary>A node's place in the cluster.</summary>
public enum NodeStatus
{
    Active,
    ShuttingDown,
    Dead,
}

/// <summary>One row of the membership table; <see cref="HeartbeatAge"/> is measured on the database clock.</summary>
public sealed record NodeEntry(string NodeId, string Name, long Generation, Uri Address, NodeStatus Status, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, TimeSpan HeartbeatAge);

/// <summary>The membership table as read: its version and rows.</summary>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<NodeEntry> Nodes)
{
    public NodeEntry? Find(string nodeId) => Nodes.FirstOrDefault(n => string.Equals(n.NodeId, nodeId, StringComparison.Ordinal));
}
