using Conversations.Emergency.Evaluation;

// dotnet run -c Release --project benchmarks/Conversations.Emergency.Evaluation -- [report [--write] | train | cv | select [count] | probe TEXT…]
return args.FirstOrDefault() switch
{
    null or "report" => Commands.Report(write: args.Contains("--write")),
    "train" => Commands.Train(),
    "cv" => Commands.CrossValidation(),
    "probe" => Probe.Run(args[1..]),
    "select" => Commands.Select(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue),
    _ => Commands.Usage(),
};
