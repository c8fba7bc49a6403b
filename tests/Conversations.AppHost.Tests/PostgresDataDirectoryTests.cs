using Conversations.AppHost.Postgres;

namespace Conversations.AppHost.Tests;

public sealed class PostgresDataDirectoryTests
{
    [Fact]
    public void A_clone_closed_to_the_postgres_user_keeps_its_data_in_var_tmp_with_a_note_naming_the_clone()
    {
        Assert.SkipUnless(Environment.UserName == "root", "PostgreSQL runs as another user only when the AppHost is root.");
        var closed = Directory.CreateTempSubdirectory("conversations-closed-");
        File.SetUnixFileMode(closed.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var clone = closed.CreateSubdirectory("clone").FullName;
        string? chosen = null;
        try
        {
            chosen = PostgresDataDirectory.Choose(configured: null, clone);

            chosen.ShouldStartWith(PostgresDataDirectory.FallbackRoot + "/");
            PostgresDataDirectory.IsOutside(chosen, clone).ShouldBeTrue();
            File.ReadAllText(Path.Combine(Path.GetDirectoryName(chosen)!, "CLONE")).ShouldContain(clone);
            PostgresDataDirectory.Choose(configured: null, clone).ShouldBe(chosen, "the same clone always gets the same folder");
        }
        finally
        {
            closed.Delete(recursive: true);
            if (chosen is not null)
            {
                Directory.Delete(Path.GetDirectoryName(chosen)!, recursive: true);
            }
        }
    }

    [Fact]
    public void A_clone_the_postgres_user_can_reach_keeps_its_data_in_its_ignored_data_folder()
    {
        var open = Directory.CreateTempSubdirectory("conversations-open-");
        File.SetUnixFileMode(open.FullName, (UnixFileMode)0b111_101_101);
        try
        {
            var chosen = PostgresDataDirectory.Choose(configured: null, open.FullName);

            chosen.ShouldBe(Path.Combine(open.FullName, ".data", "postgres"));
            PostgresDataDirectory.IsOutside(chosen, open.FullName).ShouldBeFalse();
        }
        finally
        {
            open.Delete(recursive: true);
        }
    }
}
