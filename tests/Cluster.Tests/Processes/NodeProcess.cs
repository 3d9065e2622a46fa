using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// One of our executables running as a real process (`dotnet artifacts/app/CONFIG/X.dll args`), its output
/// going to a file. Disposing kills it if it still runs, so a failing test leaves nothing behind.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _output;

    private NodeProcess(string executable, IEnumerable<string> args, string logFile, string? workingDirectory)
    {
        LogFile = logFile;
        _output = new StreamWriter(logFile) { AutoFlush = true };
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(Path.Combine(AppFolder, executable + ".dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("ATTNRNN_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string LogFile { get; }
    public int Id => _process.Id;

    public static string AppFolder
    {
        get
        {
            var metadata = typeof(NodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
            return Path.Combine(metadata["RepoRoot"], "artifacts", "app", metadata["Configuration"]);
        }
    }

    /// <param name="workingDirectory">Where relative paths (the default run folder runs/...) land; the test's own when null.</param>
    public static NodeProcess Coordinator(IEnumerable<string> args, string logFile, string? workingDirectory = null) =>
        new("AttnRnnCluster.Coordinator", args, logFile, workingDirectory);

    public static NodeProcess Worker(IEnumerable<string> args, string logFile) => new("AttnRnnCluster.Worker", args, logFile, null);

    /// <summary>A port that was free a moment ago (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits for the exit (bounded: a hang fails the test instead of blocking CI) and returns the exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{_process.StartInfo.ArgumentList[0]} did not exit within {limit.TotalSeconds:0}s; its output is in {LogFile}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends a signal (SIGTERM, SIGINT) to the process, as a service manager or Ctrl-C would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -s {name} {Id} failed with exit code {kill.ExitCode}");
    }

    /// <summary>SIGKILL: no goodbye, no leaving the cluster; the others must notice on their own.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public string Output() => File.ReadAllText(LogFile);

    public void Dispose()
    {
        Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
        lock (_output) _output.Dispose();
    }

    private void Write(string? line)
    {
        if (line == null) return;
        lock (_output)
        {
            try
            {
                _output.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after dispose is dropped.
            }
        }
    }
}
