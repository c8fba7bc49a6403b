using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace Conversations.Relay.Benchmarks;

/// <summary>What one phase (direct or through the gateway) measured.</summary>
internal sealed record PhaseResult(Percentiles RoundTrip, CpuUsage Cpu, int Foreign, int Duplicates, int LateSends)
{
    /// <summary>Each silo's runtime over the measured window (null where no EventPipe session could be had).</summary>
    public IReadOnlyList<(string Silo, RuntimeFigures? Figures)> Runtime { get; init; } = [];
}

/// <summary>A gateway session: its conversation, and the silos of its socket and of its grain.</summary>
internal sealed record GatewayClient(StreamingSession Session, string ConversationId, string Token, int ClientSilo, int GrainSilo);

/// <summary>
/// One scenario: the sessions stream straight to the engine, then the same number through the gateway, in the same run;
/// the report is each percentile of the second minus the first.
/// </summary>
internal sealed class RelayBenchmark(RelayStack stack, RelayOptions options)
{
    private static int s_runs;

    public async Task<string> RunAsync(Scenario scenario)
    {
        await WaitForQuietAsync();
        var direct = options.GatewayOnly ? new PhaseResult(Percentiles.Of([], 0), new CpuUsage([], 0, ProcessStats.LoadAverage(), 0), 0, 0, 0) : await MeasureDirectAsync(scenario.Sessions);
        var (gateway, memory, misplaced, trace) = await MeasureGatewayAsync(scenario);
        var report = Report.Scenario(scenario, options, direct, gateway, memory, misplaced);
        Console.WriteLine(report);
        if (trace is not null)
        {
            Console.WriteLine();
            TraceAnalysis.Print(trace.Value.Path, trace.Value.FramesPerSecond, top: 25);
            Console.WriteLine();
        }

        return report;
    }

    /// <summary>Runs a short unreported round through the gateway, so JIT, pools and connections are warm before anything is measured.</summary>
    public async Task WarmUpAsync()
    {
        var clients = await AttachAsync(new Scenario(Math.Min(40, options.Scenarios.Max(s => s.Sessions)), false, false, false), Interlocked.Increment(ref s_runs));
        clients.AddRange(await AttachAsync(new Scenario(Math.Min(40, options.Scenarios.Max(s => s.Sessions)), true, false, stack.Silos.Count > 1), Interlocked.Increment(ref s_runs)));
        await StreamAsync(clients.Select(c => c.Session).ToList(), seconds: 3);
        await EndAsync(clients);
    }

    /// <summary>Waits, bounded, until the machine is quiet enough to measure (the 1-minute load average), and says so.</summary>
    public async Task WaitForQuietAsync()
    {
        var deadline = DateTime.UtcNow + options.QuietWait;
        var load = ProcessStats.LoadAverage();
        if (load > options.QuietLoad)
        {
            Console.WriteLine($"  waiting for a quiet machine: load average {load:0.00} > {options.QuietLoad:0.0} (up to {options.QuietWait.TotalSeconds:0} s)");
        }

        while (load > options.QuietLoad && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5000);
            load = ProcessStats.LoadAverage();
        }
    }

    public async Task<PhaseResult> MeasureDirectAsync(int count)
    {
        var sessions = new List<StreamingSession>(count);
        await ForEachAsync(count, async i =>
        {
            var session = new StreamingSession(i, binaryAudio: false);
            session.Attach(await stack.ConnectEngineAsync(CancellationToken.None));
            lock (sessions)
            {
                sessions.Add(session);
            }
        });
        return await StreamAsync(sessions);
    }

    private async Task<(PhaseResult Result, MemoryPerSession Memory, int Misplaced, (string Path, double FramesPerSecond)? Trace)> MeasureGatewayAsync(Scenario scenario)
    {
        var run = Interlocked.Increment(ref s_runs);
        var watches = stack.Silos.Select(s => RuntimeWatch.TryStart(s.Id)).ToList();
        try
        {
            var before = MemorySnapshot.Take(stack);
            var clients = await AttachAsync(scenario, run);
            await Task.Delay(2000);
            var attached = MemorySnapshot.Take(stack);
            var tracePath = options.TraceDirectory is { } directory
                ? Path.Combine(Directory.CreateDirectory(directory).FullName, $"silo-0-{scenario.Sessions}-{(scenario.BinaryAudio ? "binary" : "json")}-{(scenario.OneUser ? "one" : "many")}-{(scenario.RemoteGrain ? "remote" : "local")}.nettrace")
                : null;
            SiloTrace? trace = null;
            var result = await StreamAsync(
                clients.Select(c => c.Session).ToList(),
                onWindowStart: () =>
                {
                    watches.ForEach(w => w?.Start());
                    trace = tracePath is null ? null : SiloTrace.Start(stack.Silos[0].Id, tracePath);
                },
                onWindowEnd: () => trace?.StopAsync() ?? Task.CompletedTask);
            result = result with { Runtime = stack.Silos.Select((s, i) => (s.Name, watches[i]?.Stop())).ToList() };
            var streaming = MemorySnapshot.Take(stack);
            await EndAsync(clients);
            var memory = new MemoryPerSession(
                (attached.Silos - before.Silos) / (double)scenario.Sessions,
                (streaming.Silos - before.Silos) / (double)scenario.Sessions,
                (attached.Engine - before.Engine) / (double)scenario.Sessions);

            // Silo 0's share of the frames: those of its own clients, and (grains elsewhere) those its grains relay for others.
            var silo0Sessions = clients.Count(c => c.ClientSilo == 0) + clients.Count(c => c.GrainSilo == 0 && c.ClientSilo != 0);
            return (result, memory, clients.Count(c => c.GrainSilo < 0), trace is null ? null : (trace.Path, silo0Sessions * 50.0));
        }
        finally
        {
            watches.ForEach(w => w?.Dispose());
        }
    }

    /// <summary>Opens every gateway session (a few at a time) with its conversation where the scenario wants its grain.</summary>
    public async Task<List<GatewayClient>> AttachAsync(Scenario scenario, int run)
    {
        var clients = new GatewayClient?[scenario.Sessions];
        var silos = stack.Silos.Count;
        await ForEachAsync(scenario.Sessions, async i =>
        {
            var user = scenario.OneUser ? $"bench-{run}-one" : $"bench-{run}-{i}";
            var token = stack.Token(user);
            var clientSilo = i % silos;
            var grainSilo = scenario.RemoteGrain ? (i + 1) % silos : clientSilo;
            ClientWebSocket socket;
            JsonElement attached;
            if (grainSilo == clientSilo)
            {
                socket = await stack.ConnectGatewayAsync(clientSilo, $"model={RelayStack.Character}", token, scenario.BinaryAudio, CancellationToken.None);
                attached = await RelayStack.WaitForEventAsync(socket, Timeout(), "conversations.started");
            }
            else
            {
                // The conversation activates on the silo of its first client; the measured client then attaches from another.
                using var first = await stack.ConnectGatewayAsync(grainSilo, $"model={RelayStack.Character}", token, scenario.BinaryAudio, CancellationToken.None);
                var started = await RelayStack.WaitForEventAsync(first, Timeout(), "conversations.started");
                await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "moving", Timeout());
                socket = await stack.ConnectGatewayAsync(clientSilo, $"conversation_id={started.GetProperty("conversation_id").GetString()}", token, scenario.BinaryAudio, CancellationToken.None);
                attached = await RelayStack.WaitForEventAsync(socket, Timeout(), "conversations.resumed");
            }

            var node = attached.GetProperty("node_id").GetString()!;
            var onSilo = node.StartsWith(stack.Silos[grainSilo].Name + "@", StringComparison.Ordinal) ? grainSilo : -1;
            var session = new StreamingSession(i, scenario.BinaryAudio);
            session.Attach(socket);
            clients[i] = new GatewayClient(session, attached.GetProperty("conversation_id").GetString()!, token, clientSilo, onSilo);
        });
        return clients.Select(c => c!).ToList();
    }

    /// <summary>Streams every session for warm-up plus measured seconds, staggered over one frame period, and collects the measured frames.</summary>
    public async Task<PhaseResult> StreamAsync(IReadOnlyList<StreamingSession> sessions, Action<long>? started = null, int? seconds = null, Action? onWindowStart = null, Func<Task>? onWindowEnd = null)
    {
        var measuredSeconds = seconds ?? options.Seconds;
        var frames = (options.WarmupSeconds + measuredSeconds) * 50;
        var warmupFrames = options.WarmupSeconds * 50;
        var period = Stopwatch.Frequency / 50;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        started?.Invoke(start);
        var cpu = new CpuWindow(stack);
        var sampling = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5 + options.WarmupSeconds));
            onWindowStart?.Invoke();
            cpu.Start();
            await Task.Delay(TimeSpan.FromSeconds(measuredSeconds));
            var window = cpu.Stop();
            if (onWindowEnd is not null)
            {
                await onWindowEnd();
            }

            return window;
        });
        await Task.WhenAll(sessions.Select((s, i) => Task.Run(() => s.RunAsync(start + i * period / sessions.Count, frames, TimeSpan.FromSeconds(3), CancellationToken.None))));
        var usage = await sampling;
        var roundTrips = new List<float>(sessions.Count * (frames - warmupFrames));
        var lost = 0;
        foreach (var session in sessions)
        {
            var measured = session.RoundTrips[warmupFrames..];
            foreach (var ms in measured)
            {
                if (float.IsNaN(ms))
                {
                    lost++;
                }
                else
                {
                    roundTrips.Add(ms);
                }
            }
        }

        return new PhaseResult(Percentiles.Of(roundTrips, lost), usage, sessions.Sum(s => s.Foreign), sessions.Sum(s => s.Duplicates), sessions.Sum(s => s.LateSends));
    }

    /// <summary>Ends the conversations (their upstream sessions close), so the next scenario starts from an idle engine.</summary>
    public async Task EndAsync(IEnumerable<GatewayClient> clients)
    {
        var list = clients.ToList();
        await ForEachAsync(list.Count, async i =>
        {
            var client = list[i];
            await stack.EndConversationAsync(client.ClientSilo, client.ConversationId, client.Token);
        });
        await Task.Delay(2000);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static async Task ForEachAsync(int count, Func<int, Task> action)
    {
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await action(i);
            }
            finally
            {
                gate.Release();
            }
        }));
    }
}

/// <summary>Resident memory per attached session, in bytes: the silos' (attached and idle; while streaming) and the engine's.</summary>
internal sealed record MemoryPerSession(double SilosAttached, double SilosStreaming, double Engine);

/// <summary>Resident memory of the silos (summed) and of the engine.</summary>
internal sealed record MemorySnapshot(long Silos, long Engine)
{
    public static MemorySnapshot Take(RelayStack stack) =>
        new(stack.Silos.Where(s => !s.HasExited).Sum(s => ProcessStats.ResidentBytes(s.Id)), ProcessStats.ResidentBytes(stack.Engine.Id));
}

/// <summary>Formats results.</summary>
internal static class Report
{
    public static string Scenario(Scenario scenario, RelayOptions options, PhaseResult direct, PhaseResult gateway, MemoryPerSession memory, int misplaced)
    {
        var overhead = Percentiles.Difference(gateway.RoundTrip, direct.RoundTrip);
        var lines = new List<string>
        {
            $"{scenario} · {options.Silos} silo(s) · {options.Seconds} s measured after {options.WarmupSeconds} s",
            $"  load average {direct.Cpu.LoadBefore:0.00} before, {gateway.Cpu.LoadAfter:0.00} after; CPU of other processes {direct.Cpu.OtherPercent:0}% / {gateway.Cpu.OtherPercent:0}% of a core (direct / gateway)",
            "  round trip (ms)       p50      p95      p99      max    frames    lost",
            Row("engine directly", direct.RoundTrip),
            Row("through the gateway", gateway.RoundTrip),
            Row("gateway − direct", overhead),
            "  CPU (% of one core)   " + string.Join(", ", gateway.Cpu.Processes.Select(p => $"{p.Name} {p.Percent:0}")) + $"  | direct phase: " + string.Join(", ", direct.Cpu.Processes.Where(p => p.Percent >= 0.5).Select(p => $"{p.Name} {p.Percent:0}")),
            $"  memory per session    silos {memory.SilosAttached / 1024:0} KB attached, {memory.SilosStreaming / 1024:0} KB streaming; engine {memory.Engine / 1024:0} KB",
        };
        if (gateway.Runtime.Any(r => r.Figures is not null))
        {
            // Per relayed frame: one client frame in and its echo out, counted over the silos together.
            var frames = (double)Math.Max(1, gateway.RoundTrip.Frames + gateway.RoundTrip.Lost);
            var figures = gateway.Runtime.Where(r => r.Figures is not null).ToList();
            var allocated = figures.Sum(r => r.Figures!.AllocatedBytes);
            var pauses = Percentiles.Of(figures.SelectMany(r => r.Figures!.GcPausesMs).ToList(), 0);
            var queues = string.Join(", ", figures.Select(r => r.Figures!.MaxThreadPoolQueue.ToString("0", CultureInfo.InvariantCulture)));
            var threads = string.Join(", ", figures.Select(r => r.Figures!.MaxThreads.ToString("0", CultureInfo.InvariantCulture)));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  silo runtime          {allocated / frames / 1024:0.0} KB allocated per frame; GC {figures.Sum(r => r.Figures!.Gen0)} gen0, {figures.Sum(r => r.Figures!.Gen1)} gen1, {figures.Sum(r => r.Figures!.Gen2)} gen2, pause p50 {pauses.P50:0.0} max {pauses.Max:0.0} ms; thread-pool queue max {queues}, threads max {threads}"));
        }

        if (gateway.Foreign + gateway.Duplicates + direct.Foreign + direct.Duplicates + misplaced > 0 || gateway.LateSends + direct.LateSends > 0)
        {
            lines.Add($"  checks                foreign echoes {direct.Foreign}/{gateway.Foreign}, doubled {direct.Duplicates}/{gateway.Duplicates}, late sends {direct.LateSends}/{gateway.LateSends}, grains not where asked {misplaced}");
        }

        return string.Join('\n', lines);
    }

    private static string Row(string name, Percentiles p) =>
        string.Create(CultureInfo.InvariantCulture, $"  {name,-20}{p.P50,8:0.00} {p.P95,8:0.00} {p.P99,8:0.00} {p.Max,8:0.0} {p.Frames,9} {p.Lost,7}");
}
