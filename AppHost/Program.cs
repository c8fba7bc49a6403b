using Conversations.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// Local launcher: PostgreSQL, the realtime engine and N silos as child processes; prints the URLs; Ctrl+C stops all.
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(AppHostOptions.Usage);
    return 0;
}

var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddCommandLine(args, AppHostOptions.SwitchMappings);
builder.AddAppHost();
using var host = builder.Build();
try
{
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    Console.Error.WriteLine(string.Join(Environment.NewLine, [.. exception.Failures, "Run with --help for the options."]));
    return 2;
}
catch (OperationCanceledException)
{
    return 130;
}
catch (StartupFailedException)
{
    // The launcher has printed what failed and stopped what it started.
    return 1;
}
catch (InvalidOperationException exception)
{
    // Configuration that cannot be bound, e.g. --silos two.
    Console.Error.WriteLine($"{exception.Message} {exception.InnerException?.Message}");
    return 2;
}
