namespace Conversations.AppHost.Hosting;

/// <summary>The dashboard keeps each run's telemetry under <c>$HOME/.aspire/dashboard/runs</c>; only the newest few are kept.</summary>
public static class DashboardRuns
{
    public const int Kept = 5;

    public static string Folder => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aspire", "dashboard", "runs");

    /// <summary>Removes all but the newest <paramref name="keep"/> run folders (and stray files); returns how many it removed.</summary>
    public static int Prune(string folder, int keep = Kept)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var old in new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderByDescending(e => e.LastWriteTimeUtc).Skip(keep))
        {
            try
            {
                if (old is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    old.Delete();
                }

                removed++;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // In use by a dashboard that still runs: left for the next start.
            }
        }

        return removed;
    }
}
