using System.Globalization;

namespace Conversations.Relay.Benchmarks;

/// <summary>CPU time and resident memory of processes, read from /proc (Linux), and the machine's load.</summary>
internal static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>CPU seconds (user + system) the process and, with <paramref name="withChildren"/>, its children have used.</summary>
    public static double CpuSeconds(int pid, bool withChildren = false)
    {
        var total = OwnCpuSeconds(pid);
        if (withChildren)
        {
            foreach (var child in Children(pid))
            {
                total += OwnCpuSeconds(child);
            }
        }

        return total;
    }

    /// <summary>Resident set size in bytes (0 when the process is gone).</summary>
    public static long ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>CPU seconds all processes of the machine have used (busy time of every core, from /proc/stat).</summary>
    public static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal
        double busy = 0;
        for (var i = 1; i <= 8 && i < fields.Length; i++)
        {
            if (i is 4 or 5)
            {
                continue;
            }

            busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return busy / TicksPerSecond;
    }

    private static double OwnCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields after the command: state(3) ppid(4) … utime(14) stime(15), numbered from 1 with pid and comm.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return 0;
        }
    }

    private static IEnumerable<int> Children(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
            {
                yield return pid;
            }
        }
    }
}
