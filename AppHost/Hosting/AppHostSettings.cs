using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Conversations.AppHost.Hosting;

/// <summary>What the AppHost starts and where; section <c>AppHost</c> (<c>AppHost__Silos=3</c>) or the command line (<c>--silos 3</c>).</summary>
public sealed class AppHostSettings
{
    public const string Section = "AppHost";

    /// <summary>Command-line switches and the keys they set.</summary>
    public static IDictionary<string, string> Switches { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--silos"] = $"{Section}:{nameof(Silos)}",
        ["--silo-port"] = $"{Section}:{nameof(SiloPort)}",
        ["--engine-port"] = $"{Section}:{nameof(EnginePort)}",
        ["--postgres-port"] = $"{Section}:{nameof(PostgresPort)}",
        ["--data-dir"] = $"{Section}:{nameof(DataDirectory)}",
    };

    /// <summary>How many silos to run (1–8); silo i serves HTTP on <see cref="SiloPort"/> + 10·i and HTTPS on the port after it.</summary>
    public int Silos { get; set; } = 1;

    public int SiloPort { get; set; } = 5000;

    public int EnginePort { get; set; } = 5080;

    /// <summary>Port of the local PostgreSQL server (unused with <c>ConnectionStrings__postgres</c>).</summary>
    public int PostgresPort { get; set; } = 55432;

    /// <summary>Local PostgreSQL's data folder; default <c>&lt;repo&gt;/.data/postgres</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Time since the AppHost read its settings, at the top of Program (scripts/run.sh execs it, so the process is older).</summary>
    public System.Diagnostics.Stopwatch SinceStart { get; } = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>The clone's root folder (the AppHost project's parent).</summary>
    public string RepositoryRoot { get; set; } = "";

    /// <summary>Per-installation files (keys, the TLS certificate): <c>&lt;repo&gt;/.data</c>, ignored by git.</summary>
    public string StateDirectory => Path.Combine(RepositoryRoot, ".data");

    public int SiloHttpPort(int index) => SiloPort + (10 * index);

    public int SiloHttpsPort(int index) => SiloPort + (10 * index) + 1;

    public static string SiloName(int index) => "silo-" + index.ToString(CultureInfo.InvariantCulture);

    public static AppHostSettings From(IConfiguration configuration, string appHostDirectory)
    {
        var settings = configuration.GetSection(Section).Get<AppHostSettings>() ?? new AppHostSettings();
        settings.RepositoryRoot = Path.GetFullPath(Path.Combine(appHostDirectory, ".."));
        var problems = settings.Problems().ToList();
        return problems.Count == 0 ? settings : throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
    }

    private IEnumerable<string> Problems()
    {
        if (Silos is < 1 or > 8)
        {
            yield return $"--silos (AppHost__Silos) must be between 1 and 8, not {Silos}.";
        }

        int[] ports = [PostgresPort, EnginePort, .. Enumerable.Range(0, Math.Clamp(Silos, 0, 8)).SelectMany(i => new[] { SiloHttpPort(i), SiloHttpsPort(i) })];
        if (ports.Any(p => p is < 1 or > 65535))
        {
            yield return $"Ports must be between 1 and 65535: {string.Join(", ", ports)}.";
        }

        if (ports.Distinct().Count() != ports.Length)
        {
            yield return $"Ports collide: postgres {PostgresPort}, engine {EnginePort}, silos from {SiloPort} in steps of 10 (HTTP) and the port after each (HTTPS).";
        }
    }
}
