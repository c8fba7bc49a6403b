using Conversations.Runtime.Activation;
using Conversations.Runtime.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Runtime.Membership;

/// <summary>
/// This node's life in the cluster: joins the membership table, heartbeats, declares nodes whose heartbeat is older
/// than <see cref="RuntimeOptions.DeathTimeout"/> dead, leaves gracefully (drain, then dead), and stops serving if it
/// finds itself declared dead. Its last read of the table (the snapshot) is what the gateway asks about other nodes.
/// </summary>
public sealed class ClusterMembership(
    MembershipTable table,
    NodeIdentity node,
    ActivationCatalog catalog,
    IHostApplicationLifetime lifetime,
    IOptions<RuntimeOptions> options,
    ILogger<ClusterMembership> logger) : BackgroundService, IHealthCheck, IHostedLifecycleService
{
    private volatile MembershipSnapshot _snapshot = new(0, []);
    private volatile bool _joined;
    private volatile bool _draining;

    /// <summary>True while the node is leaving: it takes no new activations and hands live ones over.</summary>
    public bool IsDraining => _draining;

    public MembershipSnapshot Snapshot => _snapshot;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await JoinAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Writes this node into the table as active (compare-and-swap, retried); public for tests that drive rounds themselves.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        await WriteStatusAsync(NodeStatus.Active, cancellationToken);
        _joined = true;
        logger.LogInformation("{Node} joined the cluster at {Address}", node.Id, node.AdvertisedAddress);
    }

    /// <summary>
    /// Graceful leave, first of all stop steps (before the web server waits for connections): stop taking
    /// conversations and end the live activations — their leases are released and their clients told to reconnect
    /// (1013), so they resume on another node at once.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!_joined)
        {
            return;
        }

        _draining = true;
        catalog.StopAccepting();
        try
        {
            await WriteStatusAsync(NodeStatus.ShuttingDown, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or Npgsql.NpgsqlException or ObjectDisposedException)
        {
            logger.LogWarning(e, "{Node} could not mark itself as leaving", node.Id);
        }

        await catalog.DeactivateAllAsync(DeactivationReason.NodeShutdown).WaitAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_joined)
        {
            return;
        }

        try
        {
            await WriteStatusAsync(NodeStatus.Dead, cancellationToken);
            logger.LogInformation("{Node} left the cluster", node.Id);
        }
        catch (Exception e) when (e is OperationCanceledException or Npgsql.NpgsqlException or ObjectDisposedException)
        {
            logger.LogWarning(e, "{Node} could not leave cleanly; its heartbeat will stop and it will be declared dead", node.Id);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ready once joined and until it starts leaving.</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_joined && !_draining
            ? HealthCheckResult.Healthy($"{node.Id} is an active member")
            : HealthCheckResult.Unhealthy(_draining ? $"{node.Id} is leaving" : $"{node.Id} has not joined"));

    /// <summary>One heartbeat and failure-detection round; public for tests that drive time themselves.</summary>
    public async Task BeatOnceAsync(CancellationToken cancellationToken)
    {
        var status = await table.HeartbeatAsync(node.Id, cancellationToken);
        if (status is NodeStatus.Dead && !_draining)
        {
            // Another node declared this one dead (it could not heartbeat for too long): its leases may already be
            // taken over. It must stop serving; the fence stops its writes anyway.
            logger.LogCritical("{Node} was declared dead by the cluster; stopping", node.Id);
            _draining = true;
            catalog.StopAccepting();
            await catalog.DeactivateAllAsync(DeactivationReason.LeaseLost);
            lifetime.StopApplication();
            return;
        }

        var snapshot = await table.ReadAsync(cancellationToken);
        _snapshot = snapshot;
        var deathTimeout = options.Value.DeathTimeout;
        foreach (var suspect in snapshot.Nodes.Where(n => n.Status != NodeStatus.Dead && n.HeartbeatAge > deathTimeout && !string.Equals(n.NodeId, node.Id, StringComparison.Ordinal)))
        {
            if (await table.TryDeclareDeadAsync(suspect.NodeId, snapshot.Version, cancellationToken))
            {
                logger.LogWarning("{Node} declared {Suspect} dead (no heartbeat for {Age})", node.Id, suspect.NodeId, suspect.HeartbeatAge);
            }

            // Won or lost, the version moved: the next round reads again.
            break;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await BeatOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Membership round failed");
            }
        }
    }

    /// <summary>Writes this node's status by compare-and-swap on the table version, re-reading and retrying when another node won.</summary>
    private async Task WriteStatusAsync(NodeStatus status, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await table.ReadAsync(cancellationToken);
            if (await table.TryWriteAsync(node, status, snapshot.Version, cancellationToken))
            {
                _snapshot = await table.ReadAsync(cancellationToken);
                return;
            }
        }
    }
}
