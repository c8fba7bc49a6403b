using System.Diagnostics;
using System.Globalization;

namespace Conversations.AppHost.Postgres;

/// <summary>
/// A tiny shell process in its own session that outlives the AppHost: if the AppHost dies without stopping PostgreSQL
/// (kill -9), it asks that postmaster for a fast shutdown, so no server is left behind.
/// </summary>
public sealed class PostgresSentinel : IDisposable
{
    // $1 = AppHost pid, $2 = postmaster pid, $3 = data folder. A zombie AppHost counts as gone. The pid is signalled only
    // while it is still the postmaster of that folder (SIGINT = fast shutdown): a new AppHost may have restarted it since.
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        while [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) [ZX]' "/proc/$1/stat"; do sleep 1; done
        if tr '\0' ' ' < "/proc/$2/cmdline" | grep -qF -- "-D $3 "; then kill -INT "$2"; fi
        """;

    private readonly Process _process;

    private PostgresSentinel(Process process) => _process = process;

    public static PostgresSentinel? Start(int postmasterPid, string dataDirectory)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[] { "sh", "-c", Script, "postgres-sentinel", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), postmasterPid.ToString(CultureInfo.InvariantCulture), dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start);
        return process is null ? null : new PostgresSentinel(process);
    }

    /// <summary>The AppHost stopped the server itself: the sentinel is not needed any more.</summary>
    public void Dispose()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
