using System.Reflection;

namespace Conversations.AppHost.Hosting;

/// <summary>Where the repository is and which build this is: the AppHost runs the silo and engine from their bin folders.</summary>
public static class Repository
{
    /// <summary>The folder holding <c>Conversations.sln</c>, found upwards from this assembly, else where it was built.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration (Debug, Release) this AppHost was built with.</summary>
    public static string BuildConfiguration { get; } = Metadata("BuildConfiguration") ?? "Debug";

    public static string ProjectDirectory(string project) => Path.Combine(Root, "src", project);

    public static string Assembly(string project, string configuration) =>
        Path.Combine(ProjectDirectory(project), "bin", configuration, "net10.0", project + ".dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
            {
                return directory.FullName;
            }
        }

        return Metadata("RepositoryRoot") ?? throw new InvalidOperationException("Cannot find the repository (Conversations.sln) above " + AppContext.BaseDirectory);
    }

    private static string? Metadata(string key) => typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.Ordinal))?.Value;
}
