using Conversations.Runtime.Hosting;
using Conversations.Runtime.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Runtime.Activation;

/// <summary>
/// The node's housekeeping: renews every lease it holds in one statement per round (a lost lease deactivates its
/// activation), collects idle activations, and on shutdown deactivates all of them so their leases are released.
/// </summary>
public sealed class ActivationMaintenance(
    ActivationCatalog catalog,
    LeaseStore leases,
    IOptions<RuntimeOptions> options,
    ILogger<ActivationMaintenance> logger) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await catalog.DeactivateAllAsync(DeactivationReason.NodeShutdown).WaitAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RenewLoopAsync(stoppingToken), CollectLoopAsync(stoppingToken));

    /// <summary>One renewal round; public for tests that drive time themselves.</summary>
    public async Task RenewOnceAsync(CancellationToken cancellationToken)
    {
        var live = catalog.LiveActivations().ToDictionary(a => a.Fence.Key, StringComparer.Ordinal);
        var lost = await leases.RenewAsync([.. live.Values.Select(a => a.Fence)], options.Value.LeaseDuration, cancellationToken);
        foreach (var fence in lost)
        {
            logger.LogWarning("{Key}: lease at epoch {Epoch} could not be renewed; deactivating", fence.Key, fence.Epoch);
            live[fence.Key].RequestDeactivation(DeactivationReason.LeaseLost);
        }
    }

    /// <summary>One idle-collection round; public for tests.</summary>
    public void CollectOnce()
    {
        var idleTimeout = options.Value.IdleTimeout;
        foreach (var activation in catalog.LiveActivations())
        {
            if (activation.IdleFor >= idleTimeout && activation.Grain.MayCollectWhenIdle)
            {
                activation.RequestDeactivation(DeactivationReason.Idle);
            }
        }
    }

    private async Task RenewLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseRenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RenewOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Postgres unreachable: leases run out by time, and fenced writes fail on their own.
                logger.LogWarning(e, "Lease renewal failed");
            }
        }
    }

    private async Task CollectLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CollectionInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            CollectOnce();
        }
    }
}
