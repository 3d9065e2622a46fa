using System.Diagnostics;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The coordinator executable run on a pseudo-terminal, as a user at a terminal runs it: util-linux's
/// `script -qfec "CMD" /dev/null` gives it a tty for standard output (TERM=xterm), and passes on everything the
/// program writes, control characters included.
/// </summary>
public static class TerminalRun
{
    public static Task<CommandRun> CoordinatorAsync(IEnumerable<string> args, TimeSpan limit)
    {
        string command = string.Join(" ", new[] { "dotnet", Path.Combine(NodeProcess.AppFolder, "AttnRnnCluster.Coordinator.dll") }.Concat(args).Select(Quoted));
        var start = new ProcessStartInfo("script");
        foreach (string arg in new[] { "-qfec", command, "/dev/null" }) start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm";
        return CommandRun.RunAsync(start, $"{command} on a terminal", limit);
    }

    /// <summary>One word for the shell script runs the command with.</summary>
    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
