using Conversations.Cluster.Benchmarks;

// dotnet run -c Release --project benchmarks/Conversations.Cluster.Benchmarks -- [grain-hop|alert-latency|all]
var which = args.FirstOrDefault() ?? "all";
await using var cluster = await BenchmarkCluster.StartAsync();
if (which is "grain-hop" or "all")
{
    await GrainHop.RunAsync(cluster);
}

if (which is "alert-latency" or "all")
{
    await AlertLatency.RunAsync(cluster);
}
