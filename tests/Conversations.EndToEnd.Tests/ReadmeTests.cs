using System.Globalization;
using System.Text.RegularExpressions;
using Conversations.Domain.Characters;
using Conversations.Domain.Tiers;

namespace Conversations.EndToEnd.Tests;

/// <summary>The README says what the code does: its table of tiers is the built-in defaults.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public async Task The_README_lists_each_default_tier_with_its_limits()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"), TestContext.Current.CancellationToken);
        var rows = Regex.Matches(readme, @"^\| `(?<id>[a-z0-9_-]+)` \| (?<minutes>\d+) min \((?<seconds>\d+) s\) \| (?<monthly>\d+) \| \$(?<dollars>[\d.]+) \| (?<count>\d+) \| (?<modes>[a-z, -]+) \| (?<warning>\d+) s \|$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["id"].Value);

        rows.Keys.ShouldBe(TierCatalog.Default.All.Select(t => t.Id), ignoreOrder: true);
        foreach (var tier in TierCatalog.Default.All)
        {
            var row = rows[tier.Id].Groups;
            int.Parse(row["seconds"].Value, CultureInfo.InvariantCulture).ShouldBe(tier.MaxSecondsPerConversation, tier.Id);
            (int.Parse(row["minutes"].Value, CultureInfo.InvariantCulture) * 60).ShouldBe(tier.MaxSecondsPerConversation, tier.Id);
            int.Parse(row["monthly"].Value, CultureInfo.InvariantCulture).ShouldBe(tier.MonthlyMinutes, tier.Id);
            decimal.Parse(row["dollars"].Value, CultureInfo.InvariantCulture).ShouldBe(tier.MonthlyDollars, tier.Id);
            int.Parse(row["count"].Value, CultureInfo.InvariantCulture).ShouldBe(tier.MonthlyConversations, tier.Id);
            int.Parse(row["warning"].Value, CultureInfo.InvariantCulture).ShouldBe(tier.WarningBeforeEndSeconds, tier.Id);
            row["modes"].Value.Split(", ").ShouldBe(tier.AllowedModes.Select(m => m == UpstreamMode.Cascade ? "cascade" : "speech-to-speech"), ignoreOrder: true);
        }

        readme.ShouldContain($"the default tier, `{TierCatalog.Default.DefaultTier.Id}`");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found.");
    }
}
