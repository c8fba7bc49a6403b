using System.Globalization;

namespace Conversations.AppHost.Tests;

/// <summary>The processes of one AppHost's stack: everything descended from it, or from the DCP processes that monitor it.</summary>
/// <remarks>DCP detaches from the AppHost (its parent becomes init) but names what it watches with <c>--monitor PID</c>.</remarks>
internal static class StackProcesses
{
    /// <summary>Live processes of the stack of <paramref name="root"/> (not the root itself), with their command lines.</summary>
    public static IReadOnlyDictionary<int, string> Of(int root)
    {
        var all = Snapshot();
        var stack = new HashSet<int> { root };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, (parent, command)) in all)
            {
                if (!stack.Contains(pid) && (stack.Contains(parent) || stack.Any(s => command.Contains($"--monitor {s.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal))))
                {
                    grew |= stack.Add(pid);
                }
            }
        }
        while (grew);

        stack.Remove(root);
        return stack.ToDictionary(pid => pid, pid => all[pid].Command);
    }

    /// <summary>Which of <paramref name="pids"/> still run (zombies count as gone).</summary>
    public static IReadOnlyList<string> StillRunning(IReadOnlyDictionary<int, string> pids) =>
        [.. pids.Where(p => IsRunning(p.Key)).Select(p => $"{p.Key}: {p.Value}")];

    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static Dictionary<int, (int Parent, string Command)> Snapshot()
    {
        var processes = new Dictionary<int, (int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] is "Z" or "X")
                {
                    continue;
                }

                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                processes[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), command);
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }

        return processes;
    }
}
