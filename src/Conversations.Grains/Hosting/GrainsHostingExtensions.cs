using Conversations.Domain.Characters;
using Conversations.Domain.Cost;
using Conversations.Domain.Emergency;
using Conversations.Domain.Tiers;
using Conversations.Grains.Persistence;
using Conversations.Grains.Policies;
using Conversations.Grains.Streams;
using Conversations.Grains.Telemetry;
using Conversations.Grains.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace Conversations.Grains.Hosting;

/// <summary>Makes the host an Orleans silo serving conversations: the cluster (ClusterConfiguration.cs), the stores, the policies.</summary>
public static class GrainsHostingExtensions
{
    public const string ConnectionStringName = "postgres";

    /// <summary>How long a session of this silo may sit idle inside a transaction before PostgreSQL ends it.</summary>
    public static readonly TimeSpan IdleInTransactionTimeout = TimeSpan.FromSeconds(5);

    public static IHostApplicationBuilder AddConversationGrains(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(sp =>
        {
            var connectionString = new NpgsqlConnectionStringBuilder(sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set."));

            // A frozen silo must not keep its fenced transaction (and the share lock on a conversation row) open for ever:
            // PostgreSQL ends a session left idle inside a transaction, so a newer activation's claim waits at most this long.
            connectionString.Options = $"{connectionString.Options} -c idle_in_transaction_session_timeout={IdleInTransactionTimeout.TotalMilliseconds:0}".Trim();
            return NpgsqlDataSource.Create(connectionString.ConnectionString);
        });
        services.AddSingleton(new MigrationAssembly(typeof(GrainsHostingExtensions).Assembly));
        services.TryAddSingleton<Migrator>();
        builder.UseOrleans(silo => silo.AddConversationsCluster(builder.Configuration));
        services.TryAddSingleton(sp =>
        {
            var details = sp.GetRequiredService<ILocalSiloDetails>();
            return new SiloIdentity(details.Name, details.SiloAddress.Generation);
        });
        services.TryAddSingleton<LocalConversations>();
        services.TryAddSingleton<SiloDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloDrain>());
        services.AddHealthChecks().AddCheck<SiloReadyCheck>("silo", tags: ["ready"]);

        services.AddOptions<UpstreamOptions>().BindConfiguration(UpstreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CharactersOptions>().BindConfiguration(CharactersOptions.SectionName)
            .ValidateEach(CharactersOptions.SectionName, CharacterCatalog.Validate).ValidateOnStart();
        services.AddOptions<TiersOptions>().BindConfiguration(TiersOptions.SectionName)
            .ValidateEach(TiersOptions.SectionName, TierCatalog.Validate).ValidateOnStart();
        services.TryAddSingleton(sp => CharacterCatalog.FromOptions(sp.GetRequiredService<IOptions<CharactersOptions>>().Value));
        services.TryAddSingleton(sp => TierCatalog.FromOptions(sp.GetRequiredService<IOptions<TiersOptions>>().Value));
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PricesOptions>().BindConfiguration(PricesOptions.SectionName)
            .ValidateEach(PricesOptions.SectionName, PriceTable.Validate).ValidateOnStart();
        services.AddOptions<EmergencyOptions>().BindConfiguration(EmergencyOptions.SectionName)
            .ValidateEach(EmergencyOptions.SectionName, CrisisResources.Validate).ValidateOnStart();
        services.TryAddSingleton(sp => PriceTable.FromOptions(sp.GetRequiredService<IOptions<PricesOptions>>().Value));
        services.TryAddSingleton(sp => CrisisResources.FromOptions(sp.GetRequiredService<IOptions<EmergencyOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<UsageStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<SupervisionStore>();
        services.TryAddSingleton<Supervision.SupervisorVoice>();
        services.TryAddSingleton<EventFeed>();
        services.TryAddSingleton<FeedFollower>();
        services.TryAddSingleton<TranscriptFollower>();
        services.TryAddSingleton<AlertSignal>();
        services.TryAddSingleton<ModerationScreen>();
        services.TryAddSingleton<ConversationSummarizer>();
        services.TryAddSingleton<ConversationMetrics>();
        services.TryAddSingleton<UpstreamConnector>();
        services.AddKeyedSingleton<IGrainStorageSerializer, JsonGrainStateSerializer>(JsonGrainStateSerializer.Key);
        services.AddHostedService<AlertWebhookSender>();
        return builder;
    }

    /// <summary>Applies pending migrations (Orleans' tables first) before the silo starts, under an advisory lock so concurrent silos migrate once.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
}
