using Conversations.AppHost.Hosting;

namespace Conversations.AppHost.Tests;

public sealed class DashboardRunsTests
{
    [Fact]
    public void Only_the_newest_dashboard_runs_are_kept()
    {
        var runs = Directory.CreateTempSubdirectory("conversations-dashboard-runs-");
        try
        {
            var start = DateTime.UtcNow.AddHours(-1);
            for (var i = 0; i < 8; i++)
            {
                var run = runs.CreateSubdirectory($"run-{i}");
                File.WriteAllText(Path.Combine(run.FullName, "telemetry.db"), "x");
                run.LastWriteTimeUtc = start.AddMinutes(i);
            }

            DashboardRuns.Prune(runs.FullName, keep: 3).ShouldBe(5);

            runs.GetDirectories().Select(d => d.Name).Order(StringComparer.Ordinal).ShouldBe(["run-5", "run-6", "run-7"]);
        }
        finally
        {
            runs.Delete(recursive: true);
        }
    }
}
