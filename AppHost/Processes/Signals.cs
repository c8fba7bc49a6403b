using System.Runtime.InteropServices;

namespace Conversations.AppHost.Processes;

/// <summary>POSIX signals: .NET's Process.Kill only sends SIGKILL, and a child deserves a SIGTERM first.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to stop (SIGTERM); false when it is already gone.</summary>
    public static bool Terminate(int pid) => OperatingSystem.IsWindows() ? false : Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
