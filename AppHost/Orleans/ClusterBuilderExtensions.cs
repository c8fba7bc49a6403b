using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace Conversations.AppHost.Orleans;

/// <summary>The Orleans cluster of the silos: ADO.NET clustering, reminders and grain storage on PostgreSQL.</summary>
public static class ClusterBuilderExtensions
{
    /// <summary>Stable ids: grain state and reminders are keyed by the service id, membership by the cluster id.</summary>
    public const string ClusterId = "conversations";
    public const string ServiceId = "conversations";

    public static OrleansService AddConversationsCluster(this IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> database)
    {
        var postgres = new AdoNetProvider(database);
        return builder.AddOrleans("cluster")
            .WithClusterId(ClusterId)
            .WithServiceId(ServiceId)
            .WithClustering(postgres)
            .WithReminders(postgres)
            .WithGrainStorage("Default", postgres)
            .WithGrainStorage("PubSubStore", postgres);
    }
}
