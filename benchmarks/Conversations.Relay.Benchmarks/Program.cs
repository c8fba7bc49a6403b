using Conversations.Relay.Benchmarks;

// dotnet run -c Release --project benchmarks/Conversations.Relay.Benchmarks -- [--sessions 100,200] [--audio json,binary]
//     [--users many,one] [--placement local,remote] [--silos 2] [--seconds 20] [--warmup 5] [--failover] [--out FILE]
var options = RelayOptions.Parse(args);
Console.WriteLine($"relay benchmark: {options.Silos} silo(s), the engine and PostgreSQL as their own processes; load average {ProcessStats.LoadAverage():0.00}");
await using var stack = await RelayStack.StartAsync(options.Silos, options.SiloSettings);
var relay = new RelayBenchmark(stack, options);
var reports = new List<string>();
foreach (var scenario in options.Scenarios)
{
    reports.Add(options.Failover ? await new FailoverBenchmark(stack, options, relay).RunAsync(scenario) : await relay.RunAsync(scenario));
}

if (options.Output is { } output)
{
    await File.AppendAllTextAsync(output, $"\n## {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {Environment.GetEnvironmentVariable("RELAY_COMMIT") ?? "?"}\n\n```text\n{string.Join("\n\n", reports)}\n```\n");
}
