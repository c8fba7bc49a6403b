using System.Diagnostics;
using System.Globalization;

namespace Conversations.Relay.Benchmarks;

/// <summary>
/// Sessions stream through three silos (each grain on its client's silo) and one silo is killed with SIGKILL: only
/// the conversations it owned may lose frames, only during the failover window, and each of them must resume (its
/// client reconnects to a survivor with <c>conversation_id</c> and <c>resume_from_seq</c>); the others keep their round trip.
/// </summary>
internal sealed class FailoverBenchmark(RelayStack stack, RelayOptions options, RelayBenchmark relay)
{
    private static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(10);

    public async Task<string> RunAsync(Scenario scenario)
    {
        await relay.WaitForQuietAsync();
        var direct = await relay.MeasureDirectAsync(scenario.Sessions);
        var clients = await relay.AttachAsync(scenario, run: 1);
        var victim = stack.Silos.Count - 1;
        foreach (var client in clients)
        {
            var survivor = client.ClientSilo == victim ? (victim + 1) % stack.Silos.Count : client.ClientSilo;
            client.Session.Reconnect = async cancellationToken =>
            {
                var socket = await stack.ConnectGatewayAsync(survivor, $"conversation_id={client.ConversationId}&resume_from_seq=0", client.Token, scenario.BinaryAudio, cancellationToken);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(30));
                    await RelayStack.WaitForEventAsync(socket, timeout.Token, "conversations.resumed", "conversations.started");
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        long killedAt = 0;
        Task killing = Task.CompletedTask;
        var gateway = await relay.StreamAsync(clients.Select(c => c.Session).ToList(), start =>
        {
            killing = Task.Run(async () =>
            {
                var due = start + (long)((options.WarmupSeconds + KillAfter.TotalSeconds) * Stopwatch.Frequency);
                await Task.Delay(TimeSpan.FromSeconds((due - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                killedAt = Stopwatch.GetTimestamp();
                stack.Silos[victim].Kill();
            });
        });
        await killing;
        var report = Describe(scenario, direct, gateway, clients, victim, killedAt);
        Console.WriteLine(report);
        await relay.EndAsync(clients.Select(c => c with { ClientSilo = c.ClientSilo == victim ? (victim + 1) % stack.Silos.Count : c.ClientSilo }));
        return report;
    }

    private string Describe(Scenario scenario, PhaseResult direct, PhaseResult gateway, List<GatewayClient> clients, int victim, long killedAt)
    {
        var warmupFrames = options.WarmupSeconds * 50;
        var period = Stopwatch.Frequency / 50.0;
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var owned = clients.Where(c => c.GrainSilo == victim).ToList();
        var others = clients.Where(c => c.GrainSilo != victim).ToList();
        var lostByOwned = new List<float>();
        var resumeMs = new List<float>();
        var (firstLoss, lastLoss) = (double.MaxValue, double.MinValue);
        var resumed = 0;
        foreach (var client in owned)
        {
            var session = client.Session;
            var lost = 0;
            long? firstEchoAfterKill = null;
            for (var seq = warmupFrames; seq < session.RoundTrips.Length; seq++)
            {
                var due = session.Start + (long)(seq * period);
                if (float.IsNaN(session.RoundTrips[seq]))
                {
                    lost++;
                    firstLoss = Math.Min(firstLoss, Ms(due - killedAt));
                    lastLoss = Math.Max(lastLoss, Ms(due - killedAt));
                }
                else if (due > killedAt && firstEchoAfterKill is null && lost > 0)
                {
                    firstEchoAfterKill = session.SentAt[seq] + (long)(session.RoundTrips[seq] / 1000.0 * Stopwatch.Frequency);
                }
            }

            lostByOwned.Add(lost);
            if (firstEchoAfterKill is { } back)
            {
                resumed++;
                resumeMs.Add((float)Ms(back - killedAt));
            }
        }

        // The others: their frames over the whole window, and over the failover window alone.
        var window = resumeMs.Count > 0 ? resumeMs.Max() : 5000;
        var all = new List<float>();
        var during = new List<float>();
        var othersLost = 0;
        foreach (var client in others)
        {
            var session = client.Session;
            for (var seq = warmupFrames; seq < session.RoundTrips.Length; seq++)
            {
                var ms = session.RoundTrips[seq];
                if (float.IsNaN(ms))
                {
                    othersLost++;
                    continue;
                }

                all.Add(ms);
                var at = Ms(session.Start + (long)(seq * period) - killedAt);
                if (at >= 0 && at <= window)
                {
                    during.Add(ms);
                }
            }
        }

        var allP = Percentiles.Of(all, othersLost);
        var duringP = Percentiles.Of(during, 0);
        var lostP = Percentiles.Of(lostByOwned, 0);
        var resumeP = Percentiles.Of(resumeMs, 0);
        var inv = CultureInfo.InvariantCulture;
        return string.Join('\n',
            $"failover: {scenario} · {stack.Silos.Count} silos · kill -9 of {stack.Silos[victim].Name} {KillAfter.TotalSeconds:0} s into the measured {options.Seconds} s",
            $"  load average {direct.Cpu.LoadBefore:0.00} before, {gateway.Cpu.LoadAfter:0.00} after; CPU of other processes {gateway.Cpu.OtherPercent:0}% of a core",
            string.Create(inv, $"  its {owned.Count} conversations: {resumed} resumed; frames lost each p50 {lostP.P50:0} max {lostP.Max:0} (total {lostByOwned.Sum():0}), all due between kill {firstLoss:+0;-0} ms and kill +{lastLoss:0} ms; kill → echo again p50 {resumeP.P50:0} ms, max {resumeP.Max:0} ms"),
            string.Create(inv, $"  the other {others.Count}: frames lost {othersLost}; round trip p50 {allP.P50:0.00} p99 {allP.P99:0.00} max {allP.Max:0.0} ms (whole window), p50 {duringP.P50:0.00} p99 {duringP.P99:0.00} max {duringP.Max:0.0} ms (kill → kill +{window:0} ms)"),
            string.Create(inv, $"  engine directly p50 {direct.RoundTrip.P50:0.00} p99 {direct.RoundTrip.P99:0.00}; the others' overhead p50 {allP.P50 - direct.RoundTrip.P50:0.00} p99 {allP.P99 - direct.RoundTrip.P99:0.00} ms (whole window), p99 {duringP.P99 - direct.RoundTrip.P99:0.00} ms (failover window)"),
            $"  foreign echoes {gateway.Foreign}, doubled {gateway.Duplicates}, reconnects {clients.Sum(c => c.Session.Reconnects)} ({owned.Count(c => c.Session.Reconnects > 0)} of the killed silo's, {others.Count(c => c.Session.Reconnects > 0)} of the others)");
    }
}
