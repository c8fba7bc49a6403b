using Conversations.Abstractions.Streams;
using Conversations.Grains.Streams;
using Conversations.Grains.Conversations;
using Conversations.Grains.Policies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Conversations.Grains.Hosting;

/// <summary>
/// How the silo runs in the cluster, with the choices measured in DESIGN.md §4. Providers (ADO.NET clustering, grain
/// storage, reminders on PostgreSQL), cluster id, service id and ports come from the <c>Orleans</c> configuration
/// section, which Orleans reads itself (defaults in the silo's appsettings.json; the Aspire AppHost sets its own).
/// </summary>
public static class ClusterConfiguration
{
    /// <summary>Membership and directory settings may be overridden here (e.g. <c>Orleans:Membership:ProbeTimeout</c>).</summary>
    public const string MembershipSection = "Orleans:Membership";
    public const string DirectorySection = "Orleans:Directory";

    public static ISiloBuilder AddConversationsCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        // Read when the options are built, so settings added after the builder started (tests, Aspire) count too.
        silo.Services.AddOptions<SiloOptions>().Configure(options =>
        {
            if (configuration["Orleans:Name"] is { Length: > 0 } name)
            {
                options.SiloName = name;
            }
        });
        silo.Services.AddOptions<EndpointOptions>().Configure(options => configuration.GetSection("Orleans:Endpoints").Bind(options));

        // Transcript and feed notices; their subscriptions live in the "PubSubStore" grain storage.
        silo.AddMemoryStreams(ConversationStreams.ProviderName);

#pragma warning disable ORLEANSEXP003 // The distributed directory: a silo leaving no longer deactivates healthy grains on the others (DESIGN.md §4).
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        silo.Services.AddOptions<GrainDirectoryOptions>()
            .Configure(directory => directory.RangeLeaseDuration = TimeSpan.Zero) // Failover in ~1 s; the epoch fence guards state meanwhile.
            .Bind(configuration.GetSection(DirectorySection));

        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(membership =>
            {
                // Measured here: kill -9 failover 1.0–1.8 s and a frozen silo declared dead in ~9 s, instead of 10–16 s and ~62 s.
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 2;
                membership.NumVotesForDeathDeclaration = 2;
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            })
            .Bind(configuration.GetSection(MembershipSection));

        // A conversation without a client is collected after Conversations:IdleTimeout (its upstream closes with it).
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<Microsoft.Extensions.Options.IOptions<ConversationOptions>>((collection, conversations) =>
        {
            var idle = conversations.Value.IdleTimeout;
            collection.ClassSpecificCollectionAge[typeof(ConversationGrain).FullName!] = idle;
            if (collection.CollectionQuantum > idle / 2)
            {
                collection.CollectionQuantum = idle / 2;
            }
        });
        return silo;
    }
}
