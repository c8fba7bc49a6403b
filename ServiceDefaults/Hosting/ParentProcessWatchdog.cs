using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conversations.ServiceDefaults.Hosting;

/// <summary>Stops the application when the process named by <c>CONVERSATIONS_PARENT_PID</c> is gone.</summary>
/// <remarks>A launcher killed with SIGKILL cannot stop its children; they notice here within a second and exit.</remarks>
internal sealed partial class ParentProcessWatchdog(int parentPid, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatchdog> logger)
    : BackgroundService
{
    public const string ParentPidVariable = "CONVERSATIONS_PARENT_PID";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stopping while the host is still starting cancels its start-up with an exception; wait until it has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var startedAt = StartTimeOf(parentPid);
        if (startedAt is null)
        {
            LogParentGone(logger, parentPid);
            lifetime.StopApplication();
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // A different start time means the pid was reused by another process: ours is gone.
            if (StartTimeOf(parentPid) != startedAt)
            {
                LogParentGone(logger, parentPid);
                lifetime.StopApplication();
                return;
            }
        }
    }

    /// <summary>The process's start time, or null when it has exited (zombies included).</summary>
    internal static DateTime? StartTimeOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited || IsZombie(pid))
            {
                return null;
            }

            return process.StartTime;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static bool IsZombie(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // /proc/<pid>/stat: "pid (comm) state …"; comm may hold spaces or parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var end = stat.LastIndexOf(')');
            return end > 0 && end + 2 < stat.Length && stat[end + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The launching process {ParentPid} is gone; stopping.")]
    private static partial void LogParentGone(ILogger logger, int parentPid);
}

/// <summary>Registers <see cref="ParentProcessWatchdog"/> when <c>CONVERSATIONS_PARENT_PID</c> is set.</summary>
public static class ParentProcessWatchdogExtensions
{
    public static IHostApplicationBuilder AddParentProcessWatchdog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var raw = builder.Configuration[ParentProcessWatchdog.ParentPidVariable];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return builder;
        }

        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw new InvalidOperationException($"{ParentProcessWatchdog.ParentPidVariable} must be a process id, not '{raw}'.");
        }

        builder.Services.AddHostedService(services => new ParentProcessWatchdog(
            pid, services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<ILogger<ParentProcessWatchdog>>()));
        return builder;
    }
}
