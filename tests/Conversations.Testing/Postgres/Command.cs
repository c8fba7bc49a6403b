using System.Diagnostics;
using System.Globalization;

namespace Conversations.Testing.Postgres;

/// <summary>Runs a short command to completion and collects what it printed.</summary>
public static class Command
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await stderr) + (await stdout));
    }

    public static async Task CheckAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var (code, output) = await RunAsync(fileName, list, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', list)} exited with {code.ToString(CultureInfo.InvariantCulture)}: {output}");
        }
    }
}
