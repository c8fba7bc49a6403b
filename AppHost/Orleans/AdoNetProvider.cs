using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orleans;

namespace Conversations.AppHost.Orleans;

/// <summary>
/// Orleans' ADO.NET providers (clustering, grain storage, reminders) on a PostgreSQL connection string resource. Aspire
/// would name the provider after the resource's class; Orleans registers these as <c>AdoNet</c> with an <c>Invariant</c>.
/// </summary>
public sealed class AdoNetProvider(IResourceBuilder<IResourceWithConnectionString> database) : IProviderConfiguration
{
    public const string ProviderType = "AdoNet";
    public const string Invariant = "Npgsql";

    public void ConfigureResource<T>(IResourceBuilder<T> resourceBuilder, string configSectionPath)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(resourceBuilder);
        var prefix = "Orleans__" + configSectionPath.Replace(":", "__", StringComparison.Ordinal);
        resourceBuilder
            .WithEnvironment($"{prefix}__ProviderType", ProviderType)
            .WithEnvironment($"{prefix}__Invariant", Invariant)
            .WithEnvironment($"{prefix}__ConnectionName", database.Resource.Name)
            .WithReference(database);
    }
}
