namespace Conversations.AppHost.Hosting;

/// <summary>What the launcher starts and where; bound from the <c>AppHost</c> section, the command line and <c>AppHost__*</c> variables.</summary>
public sealed class AppHostOptions
{
    public const string Section = "AppHost";

    /// <summary>Command-line switches and the keys they set.</summary>
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--silos"] = $"{Section}:{nameof(Silos)}",
        ["--postgres-port"] = $"{Section}:{nameof(PostgresPort)}",
        ["--silo-port"] = $"{Section}:{nameof(SiloPort)}",
        ["--engine-port"] = $"{Section}:{nameof(EnginePort)}",
        ["--data-dir"] = $"{Section}:{nameof(DataDirectory)}",
        ["--configuration"] = $"{Section}:{nameof(Configuration)}",
    };

    /// <summary>How many silos to run; silo i listens on <see cref="SiloPort"/> + 10·i.</summary>
    public int Silos { get; set; } = 1;

    /// <summary>Port of the local PostgreSQL server (ignored when <c>ConnectionStrings:postgres</c> is set).</summary>
    public int PostgresPort { get; set; } = 55432;

    public int SiloPort { get; set; } = 5000;

    public int EnginePort { get; set; } = 5080;

    /// <summary>Interface everything binds to.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>PostgreSQL data folder; default <c>&lt;repo&gt;/.data/postgres</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Which build of the silo and engine to run (their <c>bin/&lt;Configuration&gt;</c> folder); default: the AppHost's own.</summary>
    public string? Configuration { get; set; }

    public int ReadyTimeoutSeconds { get; set; } = 120;

    /// <summary>How long a child gets after SIGTERM before it is killed.</summary>
    public int StopTimeoutSeconds { get; set; } = 10;

    public Uri EngineUrl => new($"http://{Host}:{EnginePort}");

    public Uri SiloUrl(int index) => new($"http://{Host}:{SiloPort + (10 * index)}");

    /// <summary>Every problem with these options, or none.</summary>
    public IEnumerable<string> Problems()
    {
        if (Silos is < 1 or > 8)
        {
            yield return $"--silos must be between 1 and 8, not {Silos}.";
        }

        int[] ports = [PostgresPort, EnginePort, .. Enumerable.Range(0, Math.Max(Silos, 0)).Select(i => SiloPort + (10 * i))];
        if (ports.Any(p => p is < 1 or > 65535))
        {
            yield return $"Ports must be between 1 and 65535: {string.Join(", ", ports)}.";
        }

        if (ports.Distinct().Count() != ports.Length)
        {
            yield return $"Ports collide: postgres {PostgresPort}, engine {EnginePort}, silos from {SiloPort} in steps of 10.";
        }

        if (ReadyTimeoutSeconds < 1 || StopTimeoutSeconds < 1)
        {
            yield return "Timeouts must be at least one second.";
        }
    }

    public const string PortSwitches = "--silo-port, --engine-port, --postgres-port";

    public const string Usage = """
        Usage: dotnet run --project AppHost [-c Release] -- [options]

          --silos N             silos to run (1-8; default 1); silo i listens on --silo-port + 10*i
          --silo-port PORT      first silo's port (default 5000)
          --engine-port PORT    realtime engine's port (default 5080)
          --postgres-port PORT  local PostgreSQL's port (default 55432)
          --data-dir PATH       local PostgreSQL's data folder (default <repo>/.data/postgres)
          --configuration NAME  which build of the silo and engine to run (default: the AppHost's own)

        Every option can also be set as AppHost__<Name> (e.g. AppHost__Silos=3).
        ConnectionStrings__postgres   use this PostgreSQL server instead of starting one
        OPENAI_API_KEY                speech-to-speech characters use OpenAI (OPENAI_BASE_URL, default https://api.openai.com/v1)
                                      instead of the local realtime engine
        OTEL_EXPORTER_OTLP_ENDPOINT   export logs, traces and metrics of every child over OTLP
        """;
}
