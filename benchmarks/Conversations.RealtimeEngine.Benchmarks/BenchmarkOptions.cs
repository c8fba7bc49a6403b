using System.Globalization;

namespace Conversations.RealtimeEngine.Benchmarks;

/// <summary>Command-line options shared by the benchmarks.</summary>
internal sealed record BenchmarkOptions
{
    /// <summary>Concurrent session counts to try, in order; the ramp stops after the first whose p95 reaches 1 s.</summary>
    public IReadOnlyList<int> Sessions { get; init; } = [5, 10, 20, 30, 40, 50];

    /// <summary>How long each load step streams.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public int SoakSessions { get; init; } = 300;

    /// <summary>PocketSphinx's narrower beams (the engine's default); <c>--wide</c> turns them off.</summary>
    public bool Fast { get; init; } = true;

    /// <summary>Run the engine in this process, to see its per-stage histograms (CPU and memory then include the load generator).</summary>
    public bool InProcess { get; init; }

    /// <summary>Run every step even after p95 has passed 1 s.</summary>
    public bool AllSteps { get; init; }

    /// <summary>The engine's <c>Engine:SpeechThreads</c> (0: one per core).</summary>
    public int SpeechThreads { get; init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sessions":
                    options = options with { Sessions = [.. args[++i].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))] };
                    break;
                case "--seconds":
                    options = options with { Duration = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture)) };
                    break;
                case "--soak-sessions":
                    options = options with { SoakSessions = int.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                case "--wide":
                    options = options with { Fast = false };
                    break;
                case "--speech-threads":
                    options = options with { SpeechThreads = int.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                case "--all-steps":
                    options = options with { AllSteps = true };
                    break;
                case "--in-process":
                    options = options with { InProcess = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.", nameof(args));
            }
        }

        return options;
    }
}
