using System.Security.Cryptography;
using System.Text;
using Conversations.AppHost.Console;
using Conversations.AppHost.Processes;

namespace Conversations.AppHost.Postgres;

/// <summary>Picks the local server's data folder: the repo's ignored <c>.data/postgres</c>, when the server's user can reach it.</summary>
public static class PostgresDataDirectory
{
    /// <summary>
    /// As root the server runs as <c>postgres</c>, which needs to traverse every parent folder. A repo under a 0700 folder
    /// (a <c>mktemp -d</c> clone, a home directory) is out of its reach: use <c>/var/tmp/conversations/&lt;hash of the repo path&gt;</c>.
    /// </summary>
    public static async Task<string> ChooseAsync(string? configured, string repositoryRoot, ConsoleOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var preferred = Path.GetFullPath(configured ?? Path.Combine(repositoryRoot, ".data", "postgres"));
        if (!IsRoot || await PostgresUserCanUseAsync(preferred, cancellationToken))
        {
            return preferred;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repositoryRoot)))[..12];
        var fallback = Path.Combine("/var/tmp/conversations", hash, "postgres");
        output.Info($"the 'postgres' user cannot reach {preferred} (a parent folder is closed to it); keeping the data in {fallback} instead");
        if (!await PostgresUserCanUseAsync(fallback, cancellationToken))
        {
            throw new InvalidOperationException($"The 'postgres' user cannot use {preferred} nor {fallback}; pass --data-dir with a folder it can reach.");
        }

        return fallback;
    }

    private static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static async Task<bool> PostgresUserCanUseAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await Command.CheckAsync("chown", ["postgres:postgres", directory], cancellationToken);
        var (code, _) = await Command.RunAsync("runuser", ["-u", "postgres", "--", "test", "-r", directory, "-a", "-w", directory, "-a", "-x", directory], cancellationToken);
        return code == 0;
    }
}
