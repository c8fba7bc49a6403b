using System.Globalization;

namespace Conversations.Relay.Benchmarks;

/// <summary>One measured configuration: how many sessions, which audio framing, whose, and where their grains live.</summary>
internal sealed record Scenario(int Sessions, bool BinaryAudio, bool OneUser, bool RemoteGrain)
{
    public override string ToString() =>
        $"{Sessions} sessions · {(BinaryAudio ? "binary" : "json")} audio · {(OneUser ? "one user" : $"{Sessions} users")} · grain {(RemoteGrain ? "on another silo" : "on the client's silo")}";
}

/// <summary>The command line (see README.md).</summary>
internal sealed record RelayOptions
{
    public int Silos { get; init; } = 2;

    public int WarmupSeconds { get; init; } = 5;

    public int Seconds { get; init; } = 20;

    public IReadOnlyList<Scenario> Scenarios { get; init; } = [];

    public bool Failover { get; init; }

    /// <summary>Skip the direct phase (for profiling the silos under load).</summary>
    public bool GatewayOnly { get; init; }

    /// <summary>Wait (up to this long) for the 1-minute load average to fall under <see cref="QuietLoad"/> before each measurement.</summary>
    public TimeSpan QuietWait { get; init; } = TimeSpan.FromMinutes(2);

    public double QuietLoad { get; init; } = 2.5;

    /// <summary>Extra silo settings (<c>--silo-setting Key=Value</c>), for trying Orleans or GC options without a rebuild.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Record silo 0 over EventPipe during each measured gateway window into this folder, and print where its CPU and allocations go.</summary>
    public string? TraceDirectory { get; init; }

    /// <summary>Markdown lines of the results are appended here.</summary>
    public string? Output { get; init; }

    public static RelayOptions Parse(string[] args)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.", nameof(args));
            }

            var name = args[i][2..];
            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            list.Add(value);
        }

        string? One(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;
        IEnumerable<string>? Many(string name) => values.TryGetValue(name, out var v) ? v.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) : null;
        var failover = One("failover") is "true";
        var options = new RelayOptions
        {
            Failover = failover,
            GatewayOnly = One("gateway-only") is "true",
            Silos = int.Parse(One("silos") ?? (failover ? "3" : "2"), CultureInfo.InvariantCulture),
            WarmupSeconds = int.Parse(One("warmup") ?? "5", CultureInfo.InvariantCulture),
            Seconds = int.Parse(One("seconds") ?? (failover ? "40" : "20"), CultureInfo.InvariantCulture),
            QuietWait = TimeSpan.FromSeconds(int.Parse(One("quiet-wait") ?? "120", CultureInfo.InvariantCulture)),
            QuietLoad = double.Parse(One("quiet-load") ?? "2.5", CultureInfo.InvariantCulture),
            Output = One("out"),
            TraceDirectory = One("trace"),
            SiloSettings = (Many("silo-setting") ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
        };

        var sessions = Many("sessions")?.Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var audio = Many("audio")?.ToList();
        var users = Many("users")?.ToList();
        var placement = Many("placement")?.ToList();
        if (failover)
        {
            return options with { Scenarios = [new Scenario(sessions?.FirstOrDefault() ?? 200, audio?.FirstOrDefault() == "binary", false, false)] };
        }

        if (sessions is null && audio is null && users is null && placement is null)
        {
            // The default matrix: every size in both framings, then the one-user and the cross-silo variants at 200.
            List<Scenario> matrix = [];
            foreach (var n in new[] { 100, 200, 300, 400 })
            {
                matrix.Add(new Scenario(n, false, false, false));
                matrix.Add(new Scenario(n, true, false, false));
            }

            matrix.Add(new Scenario(200, false, true, false));
            matrix.Add(new Scenario(200, false, false, true));
            return options with { Scenarios = matrix };
        }

        var scenarios =
            from n in sessions ?? [200]
            from a in audio ?? ["json"]
            from u in users ?? ["many"]
            from p in placement ?? ["local"]
            select new Scenario(n, Check(a, "binary", "json"), Check(u, "one", "many"), Check(p, "remote", "local"));
        return options with { Scenarios = scenarios.ToList() };
    }

    private static bool Check(string value, string yes, string no) =>
        value == yes || (value == no ? false : throw new ArgumentException($"'{value}' is neither '{yes}' nor '{no}'.", nameof(value)));
}
