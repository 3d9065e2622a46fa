using System.Diagnostics;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The coordinator executable run on a pseudo-terminal, as a user at a terminal runs it: util-linux's
/// `script -qfec "CMD" /dev/null` gives it a tty for standard output (TERM=xterm), and passes on everything the
/// program writes, control characters included.
/// </summary>
public static class TerminalRun
{
    public static async Task<CommandRun> CoordinatorAsync(IEnumerable<string> args, TimeSpan limit)
    {
        string command = string.Join(" ", new[] { "dotnet", Path.Combine(NodeProcess.AppFolder, "AttnRnnCluster.Coordinator.dll") }.Concat(args).Select(Quoted));
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string arg in new[] { "-qfec", command, "/dev/null" }) start.ArgumentList.Add(arg);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("ATTNRNN_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["TERM"] = "xterm";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} on a terminal did not exit within {limit.TotalSeconds:0}s");
        }
        return new CommandRun(process.ExitCode, await output, await error);
    }

    /// <summary>One word for the shell script runs the command with.</summary>
    private static string Quoted(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
