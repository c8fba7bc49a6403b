using Microsoft.Extensions.DependencyInjection;

namespace Conversations.AppHost.Hosting;

/// <summary>The AppHost's own settings, secrets and banner.</summary>
public static class AppHostBuilderExtensions
{
    public static AppHostSettings AddConversationsSettings(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = AppHostSettings.From(builder.Configuration, builder.AppHostDirectory);
        builder.Services.AddSingleton(settings);
        DashboardRuns.Prune(DashboardRuns.Folder);
        return settings;
    }

    public static InstallationSecrets AddInstallationSecrets(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        var secrets = InstallationSecrets.LoadOrCreate(settings.StateDirectory);
        builder.Services.AddSingleton(secrets);
        return secrets;
    }

    public static IDistributedApplicationBuilder AddReadyBanner(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService<ReadyBanner>();
        return builder;
    }
}
