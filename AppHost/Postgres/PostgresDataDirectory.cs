using System.Security.Cryptography;
using System.Text;

namespace Conversations.AppHost.Postgres;

/// <summary>Picks the local server's data folder: the repo's ignored <c>.data/postgres</c>, when the server's user can reach it.</summary>
public static class PostgresDataDirectory
{
    /// <summary>Where data goes when the repository is closed to the <c>postgres</c> user; one folder per clone, named by a hash of its path.</summary>
    public const string FallbackRoot = "/var/tmp/conversations";

    /// <summary>
    /// As root the server runs as <c>postgres</c>, which needs to traverse every parent folder. A repo under a 0700 folder
    /// (a <c>mktemp -d</c> clone, a home directory) is out of its reach: use <c>/var/tmp/conversations/&lt;hash of the repo path&gt;</c>,
    /// with a note there naming the clone it belongs to.
    /// </summary>
    public static string Choose(string? configured, string repositoryRoot)
    {
        var preferred = Path.GetFullPath(configured ?? Path.Combine(repositoryRoot, ".data", "postgres"));
        if (!PostgresBinaries.IsRoot || ServerUserCanUse(preferred))
        {
            return preferred;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repositoryRoot)))[..12];
        var folder = Path.Combine(FallbackRoot, hash);
        var fallback = Path.Combine(folder, "postgres");
        if (!ServerUserCanUse(fallback))
        {
            throw new InvalidOperationException($"The 'postgres' user can use neither {preferred} nor {fallback}; set AppHost__DataDirectory to a folder it can reach.");
        }

        File.WriteAllText(Path.Combine(folder, "CLONE"), $"PostgreSQL data of the Conversations clone at {repositoryRoot}. Remove with: rm -rf {folder}\n");
        return fallback;
    }

    /// <summary>The data folder is outside the repository (so removing the clone does not remove it).</summary>
    public static bool IsOutside(string dataDirectory, string repositoryRoot) =>
        !dataDirectory.StartsWith(repositoryRoot.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static bool ServerUserCanUse(string directory)
    {
        Directory.CreateDirectory(directory);
        PostgresBinaries.RunAsync("chown", ["postgres:postgres", directory], CancellationToken.None).GetAwaiter().GetResult();
        var code = PostgresBinaries.RunAsync("runuser", ["-u", "postgres", "--", "test", "-r", directory, "-a", "-w", directory, "-a", "-x", directory], CancellationToken.None, check: false)
            .GetAwaiter().GetResult();
        return code == 0;
    }
}
