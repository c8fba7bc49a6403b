using Conversations.Relay.Benchmarks;

// dotnet run -c Release --project benchmarks/Conversations.Relay.Benchmarks -- [--sessions 100,200] [--audio json,binary]
//     [--users many,one] [--placement local,remote] [--silos 2] [--seconds 20] [--warmup 5] [--failover] [--gateway-only]
//     [--trace DIR] [--out FILE]; or --analyze FILE.nettrace [frames per second] [top N]. See README.md.
if (args is ["--analyze", var trace, ..])
{
    // --analyze FILE.nettrace [frames relayed per second by that silo] [top N]
    TraceAnalysis.Print(trace, args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1, args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

var options = RelayOptions.Parse(args);
Console.WriteLine($"relay benchmark: {options.Silos} silo(s), the engine and PostgreSQL as their own processes; load average {ProcessStats.LoadAverage():0.00}");
await using var stack = await RelayStack.StartAsync(options.Silos, options.SiloSettings);
Console.WriteLine($"  processes: {string.Join(", ", stack.Silos.Select(s => $"{s.Name} {s.Id}"))}, engine {stack.Engine.Id}, postgres {stack.PostgresProcessId}, load generator {Environment.ProcessId}");
var relay = new RelayBenchmark(stack, options);
await relay.WarmUpAsync();
var reports = new List<string>();
foreach (var scenario in options.Scenarios)
{
    reports.Add(options.Failover ? await new FailoverBenchmark(stack, options, relay).RunAsync(scenario) : await relay.RunAsync(scenario));
}

if (options.Output is { } output)
{
    await File.AppendAllTextAsync(output, $"\n## {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {Environment.GetEnvironmentVariable("RELAY_COMMIT") ?? "?"}\n\n```text\n{string.Join("\n\n", reports)}\n```\n");
}
