using System.Diagnostics;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// A command of the coordinator executable run to its end, with its standard output and standard error kept
/// apart: what a script that reads the output sees.
/// </summary>
public sealed record CommandRun(int ExitCode, string StandardOutput, string StandardError)
{
    public static Task<CommandRun> CoordinatorAsync(IEnumerable<string> args, TimeSpan limit)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(Path.Combine(NodeProcess.AppFolder, "AttnRnnCluster.Coordinator.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return RunAsync(start, string.Join(" ", start.ArgumentList), limit);
    }

    /// <summary>
    /// Runs <paramref name="start"/> to its end with nothing on standard input and without the caller's ATTNRNN_*
    /// variables (a developer's settings must not change a test), killing it after <paramref name="limit"/>.
    /// </summary>
    public static async Task<CommandRun> RunAsync(ProcessStartInfo start, string description, TimeSpan limit)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("ATTNRNN_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
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
            throw new TimeoutException($"{description} did not exit within {limit.TotalSeconds:0}s");
        }
        return new CommandRun(process.ExitCode, await output, await error);
    }

    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
