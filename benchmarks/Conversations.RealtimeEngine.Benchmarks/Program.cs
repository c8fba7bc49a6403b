using Conversations.RealtimeEngine.Benchmarks;

// One command runs the load ramp and the soak; "micro" runs the audio-path micro benchmarks (BenchmarkDotNet).
var command = args.Length > 0 ? args[0] : "all";
var options = command is "micro" ? new BenchmarkOptions() : BenchmarkOptions.Parse(args.Skip(1).ToArray());
switch (command)
{
    case "load":
        await LoadBenchmark.RunAsync(options);
        break;
    case "soak":
        await SoakBenchmark.RunAsync(options);
        break;
    case "micro":
        AudioPathBenchmarks.Run(args.Length > 1 ? args.Skip(1).ToArray() : ["--filter", "*"]);
        break;
    case "all":
        await LoadBenchmark.RunAsync(options);
        await SoakBenchmark.RunAsync(options);
        break;
    default:
        Console.Error.WriteLine("usage: [load|soak|micro|all] [--sessions 10,20,40] [--seconds 60] [--soak-sessions 300] [--wide] [--in-process] [--all-steps] [--speech-threads N]");
        return 2;
}

return 0;
