using Conversations.Domain.Characters;
using Conversations.Domain.Cost;
using Conversations.Domain.Emergency;
using Conversations.Domain.Tiers;
using Conversations.Grains.Policies;
using Conversations.Grains.Telemetry;
using Conversations.Grains.Persistence;
using Conversations.Grains.Upstream;
using Conversations.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations.Grains.Hosting;

/// <summary>Adds the conversation grain, its store and its upstream connector on top of the runtime.</summary>
public static class GrainsHostingExtensions
{
    public static IHostApplicationBuilder AddConversationGrains(this IHostApplicationBuilder builder)
    {
        builder.AddConversationRuntime();
        var services = builder.Services;
        services.AddMigrations(typeof(GrainsHostingExtensions).Assembly);
        services.AddOptions<UpstreamOptions>().BindConfiguration(UpstreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CharactersOptions>().BindConfiguration(CharactersOptions.SectionName)
            .Validate(o => CharacterCatalog.Validate(o).Count == 0, "Invalid Characters configuration (see CharacterCatalog.Validate).").ValidateOnStart();
        services.AddOptions<TiersOptions>().BindConfiguration(TiersOptions.SectionName)
            .Validate(o => TierCatalog.Validate(o).Count == 0, "Invalid Tiers configuration (see TierCatalog.Validate).").ValidateOnStart();
        services.TryAddSingleton(sp => CharacterCatalog.FromOptions(sp.GetRequiredService<IOptions<CharactersOptions>>().Value));
        services.TryAddSingleton(sp => TierCatalog.FromOptions(sp.GetRequiredService<IOptions<TiersOptions>>().Value));
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PricesOptions>().BindConfiguration(PricesOptions.SectionName);
        services.AddOptions<EmergencyOptions>().BindConfiguration(EmergencyOptions.SectionName);
        services.TryAddSingleton(sp => PriceTable.FromOptions(sp.GetRequiredService<IOptions<PricesOptions>>().Value));
        services.TryAddSingleton(sp => CrisisResources.FromOptions(sp.GetRequiredService<IOptions<EmergencyOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<UsageStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<AlertSignal>();
        services.TryAddSingleton<ModerationScreen>();
        services.TryAddSingleton<ConversationSummarizer>();
        services.TryAddSingleton<ConversationMetrics>();
        services.TryAddSingleton<UpstreamConnector>();
        services.AddHostedService<AlertWebhookSender>();
        return builder;
    }
}
