using System.Reflection;
using Aspire.Hosting.ApplicationModel;

namespace Conversations.AppHost.Hosting;

/// <summary>
/// Runs a referenced project's built executable directly, not through <c>dotnet run</c> as <c>AddProject</c> does: the
/// process the orchestrator signals is the application itself, so a stop reaches it at once (a graceful Orleans leave),
/// nothing outlives the AppHost, and no second .NET process per service costs memory.
/// </summary>
public static class DotnetAppExtensions
{
    /// <summary>The AppHost's own build configuration; the referenced projects are built with it.</summary>
    public static string BuildConfiguration { get; } =
        typeof(DotnetAppExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static IResourceBuilder<ExecutableResource> AddDotnetApp<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var project = new TProject().ProjectPath;
        var directory = Path.GetDirectoryName(project)!;
        var executable = Path.Combine(directory, "bin", BuildConfiguration, "net10.0", Path.GetFileNameWithoutExtension(project));
        return builder.AddExecutable(name, executable, directory)
            .WithOtlpExporter()
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithIconName("Server");
    }
}
