using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Conversations.Grains.Hosting;

/// <summary>Ready while this silo is an active member of the Orleans cluster (not joining, not leaving, not declared dead).</summary>
public sealed class SiloReadyCheck(ISiloStatusOracle membership, SiloDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            drain.IsDraining ? HealthCheckResult.Unhealthy($"{membership.SiloName} is leaving")
            : membership.CurrentStatus == SiloStatus.Active ? HealthCheckResult.Healthy($"{membership.SiloName} is active")
            : HealthCheckResult.Unhealthy($"{membership.SiloName} is {membership.CurrentStatus}"));
}
