using Conversations.AppHost.Console;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.AppHost.Hosting;

/// <summary>Registers the launcher, its options (validated at start) and its console output.</summary>
public static class AppHostExtensions
{
    public static HostApplicationBuilder AddAppHost(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AppHostOptions>()
            .Bind(builder.Configuration.GetSection(AppHostOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AppHostOptions>, AppHostOptionsValidator>();
        builder.Services.AddSingleton<ConsoleOutput>();
        builder.Services.AddHostedService<ClusterLauncher>();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The launcher reports its own failures; the host would repeat them with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        return builder;
    }
}

/// <summary>Reports every problem of <see cref="AppHostOptions"/> at once.</summary>
internal sealed class AppHostOptionsValidator : IValidateOptions<AppHostOptions>
{
    public ValidateOptionsResult Validate(string? name, AppHostOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
