using Conversations.Runtime.Activation;
using Conversations.Runtime.Leases;
using Conversations.Runtime.Membership;
using Conversations.Runtime.Storage;
using Conversations.Runtime.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Conversations.Runtime.Hosting;

/// <summary>Adds the actor runtime on PostgreSQL: data source, migrations, leases, the activation catalog and its housekeeping.</summary>
public static class RuntimeHostingExtensions
{
    public const string ConnectionStringName = "postgres";

    public static IHostApplicationBuilder AddConversationRuntime(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RuntimeOptions>().BindConfiguration(RuntimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not set.");
            return NpgsqlDataSource.Create(connectionString);
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RuntimeOptions>>().Value;
            return NodeIdentity.Create(options.NodeId, options.AdvertisedAddress ?? new Uri("http://127.0.0.1:5000"));
        });
        services.AddMigrations(typeof(RuntimeHostingExtensions).Assembly);
        services.TryAddSingleton<Migrator>();
        services.TryAddSingleton<LeaseStore>();
        services.TryAddSingleton<ActivationCatalog>();
        services.TryAddSingleton<ActivationMaintenance>();
        services.TryAddSingleton<EventFeed>();
        services.TryAddSingleton<FeedSignal>();
        services.TryAddSingleton<FeedSubscription>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedSignal>());
        services.TryAddSingleton<MembershipTable>();
        services.TryAddSingleton<ClusterMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMembership>());
        services.AddHealthChecks().AddCheck<ClusterMembership>("membership", tags: ["ready"]);
        services.AddHostedService(sp => sp.GetRequiredService<ActivationMaintenance>());
        return builder;
    }

    /// <summary>Registers an assembly whose embedded <c>migrations/*.sql</c> resources the migrator applies.</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, System.Reflection.Assembly assembly)
    {
        services.AddSingleton(new MigrationAssembly(assembly));
        return services;
    }

    /// <summary>Applies pending migrations before the host starts serving (under an advisory lock, so concurrent silos migrate once).</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
}
