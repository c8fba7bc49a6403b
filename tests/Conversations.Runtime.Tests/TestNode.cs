using Conversations.Runtime.Activation;
using Conversations.Runtime.Hosting;
using Conversations.Runtime.Leases;
using Conversations.Runtime.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Conversations.Runtime.Tests;

/// <summary>A runtime node without its background loops: tests drive renewal and collection themselves.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly IHost _host;

    private TestNode(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public ActivationCatalog Catalog => Services.GetRequiredService<ActivationCatalog>();

    public ActivationMaintenance Maintenance => Services.GetRequiredService<ActivationMaintenance>();

    public LeaseStore Leases => Services.GetRequiredService<LeaseStore>();

    public NodeIdentity Identity => Services.GetRequiredService<NodeIdentity>();

    public Membership.ClusterMembership Membership => Services.GetRequiredService<Membership.ClusterMembership>();

    public static async Task<TestNode> StartAsync(string connectionString, string name, Action<Dictionary<string, string?>>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:postgres"] = connectionString,
            ["Runtime:NodeId"] = name,
            ["Runtime:LeaseDuration"] = "00:00:10",
            ["Runtime:IdleTimeout"] = "00:00:01",
        };
        configure?.Invoke(settings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddConversationRuntime();
        var host = builder.Build();
        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        return new TestNode(host);
    }

    public async ValueTask DisposeAsync()
    {
        await Catalog.DeactivateAllAsync(DeactivationReason.NodeShutdown);
        _host.Dispose();
    }
}
