using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Conversations.Testing.Postgres;

/// <summary>A PostgreSQL server run from the machine's own binaries (initdb, pg_ctl), owned by this process.</summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when this process is root the binaries run as the <c>postgres</c> user and
/// the data directory is handed to that user. A lock file left by a killed server is cleared by stopping that server first.
/// </remarks>
public sealed class LocalPostgres : IAsyncDisposable
{
    private readonly string _binDirectory;
    private bool _stopped;

    private LocalPostgres(string binDirectory, string dataDirectory, int port)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>Initialises the data directory when it is new, then starts the server and waits until it accepts connections.</summary>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory();
        var data = Path.GetFullPath(options.DataDirectory);
        var port = options.Port is > 0 ? options.Port.Value : FreeTcpPort();
        var server = new LocalPostgres(bin, data, port);
        Directory.CreateDirectory(data);
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", data], cancellationToken);
        }

        await server.ClearLockAsync(options.Ephemeral, cancellationToken);

        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            await server.RunAsPostgresAsync("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], cancellationToken);
        }

        var settings = new List<string>
        {
            $"-p {port}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            $"-c max_connections={options.MaxConnections}",
        };
        if (options.Ephemeral)
        {
            // Test data is thrown away: durability settings only cost time.
            settings.AddRange(["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);
        }

        var log = Path.Combine(data, "server.log");
        try
        {
            await server.PgCtlAsync(["start", "-D", data, "-l", log, "-w", "-t", "60", "-o", string.Join(' ', settings)], cancellationToken);
        }
        catch (InvalidOperationException exception)
        {
            // pg_ctl only says "could not start server"; the reason (port in use, bad permissions…) is in the log.
            throw new InvalidOperationException($"{exception.Message}\nLast lines of {log}:\n{Tail(log, 8)}", exception);
        }

        return server;
    }

    /// <summary>The postmaster's process id, from its lock file; null when the server is not running.</summary>
    public int? ServerProcessId => ReadLockPid(DataDirectory) is { } pid && IsServerOf(pid, DataDirectory) ? pid : null;

    /// <summary>Stops the server (fast shutdown: open connections are closed, data is kept).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await PgCtlAsync(["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"], CancellationToken.None, throwOnError: false);
    }

    /// <summary>Stops the server synchronously; for process-exit handlers that cannot await.</summary>
    public void Stop() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// A server left running by a killed launcher holds the lock file: stop it. A lock file whose process is gone, or
    /// whose pid now belongs to another program (pids are reused after a reboot), is stale: remove it, or the start fails.
    /// </summary>
    private async Task ClearLockAsync(bool ephemeral, CancellationToken cancellationToken)
    {
        var lockFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(lockFile))
        {
            return;
        }

        if (ReadLockPid(DataDirectory) is { } pid && IsServerOf(pid, DataDirectory))
        {
            // Throw-away data can be dropped at once; kept data gets a clean (fast) shutdown.
            await PgCtlAsync(["stop", "-D", DataDirectory, "-m", ephemeral ? "immediate" : "fast", "-w", "-t", "30"], cancellationToken, throwOnError: false);
            if (IsServerOf(pid, DataDirectory))
            {
                return;
            }
        }

        File.Delete(lockFile);
    }

    private static int? ReadLockPid(string dataDirectory)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a postmaster started on <paramref name="dataDirectory"/> (pg_ctl passes it as -D).</summary>
    private static bool IsServerOf(int pid, string dataDirectory)
    {
        try
        {
            var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
            var comm = File.ReadAllText($"{proc}/comm").Trim();
            var arguments = File.ReadAllText($"{proc}/cmdline").Split('\0');
            return comm is "postgres" or "postmaster" && arguments.Contains(dataDirectory, StringComparer.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string Tail(string file, int lines)
    {
        try
        {
            return string.Join('\n', File.ReadLines(file).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private Task PgCtlAsync(string[] arguments, CancellationToken cancellationToken, bool throwOnError = true) =>
        RunAsPostgresAsync("pg_ctl", arguments, cancellationToken, throwOnError);

    private Task RunAsPostgresAsync(string tool, string[] arguments, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var path = Path.Combine(_binDirectory, tool);
        return IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken, throwOnError)
            : RunAsync(path, arguments, cancellationToken, throwOnError);
    }

    private static async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken, bool throwOnError = true)
    {
        if (throwOnError)
        {
            await Command.CheckAsync(fileName, arguments, cancellationToken);
        }
        else
        {
            await Command.RunAsync(fileName, arguments, cancellationToken);
        }
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql; install the 'postgresql' package (scripts/setup.sh does).");
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Where and how to run a <see cref="LocalPostgres"/> server.</summary>
public sealed record LocalPostgresOptions(string DataDirectory)
{
    /// <summary>Fixed port, or null for a free one.</summary>
    public int? Port { get; init; }

    /// <summary>Throw-away data (tests): turns off fsync and synchronous commit.</summary>
    public bool Ephemeral { get; init; }

    public int MaxConnections { get; init; } = 300;
}
