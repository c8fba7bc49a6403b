using System.Diagnostics;
using System.Globalization;

namespace Conversations.AppHost.Postgres;

/// <summary>The installed PostgreSQL binaries, run as the <c>postgres</c> user when the AppHost is root (PostgreSQL refuses root).</summary>
internal static class PostgresBinaries
{
    public static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>The newest <c>/usr/lib/postgresql/N/bin</c> that has the server.</summary>
    public static string BinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var found = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL binaries not found under /usr/lib/postgresql: install the 'postgresql' package (scripts/setup.sh does), or set ConnectionStrings__postgres.");
    }

    /// <summary>The command and leading arguments that run <paramref name="tool"/> as the server's user; setpriv execs, so signals reach the tool itself.</summary>
    public static (string Command, string[] Prefix) AsServerUser(string tool) => AsServerUser(Path.Combine(BinDirectory(), tool), []);

    /// <summary>
    /// The server in the foreground under a small shell that turns a stop request (SIGTERM) into PostgreSQL's smart
    /// shutdown (sessions may finish: the silos still write their last membership rows), then a fast one after a few
    /// seconds, before the orchestrator's kill deadline; the data stays clean and the lock file is removed.
    /// </summary>
    public static (string Command, string[] Prefix) ServerUnderShutdownShell() => AsServerUser("/bin/sh", ["-c", ShutdownShell, "postgres-server", Path.Combine(BinDirectory(), "postgres")]);

    private const string ShutdownShell = """
        "$@" & server=$!
        trap 'kill -TERM $server 2>/dev/null; (sleep 3; kill -INT $server 2>/dev/null) &' TERM
        trap 'kill -INT $server 2>/dev/null' INT
        while kill -0 $server 2>/dev/null; do wait $server; status=$?; done
        exit $status
        """;

    private static (string Command, string[] Prefix) AsServerUser(string program, string[] arguments) => IsRoot
        ? ("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. arguments])
        : (program, arguments);

    /// <summary>Runs a short command to completion; throws with its output when it fails.</summary>
    public static async Task<int> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken, bool check = true)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }

        return process.ExitCode;
    }

    public static Task<int> RunAsServerUserAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken, bool check = true)
    {
        var (command, prefix) = AsServerUser(tool);
        return RunAsync(command, [.. prefix, .. arguments], cancellationToken, check);
    }
}
