using System.Diagnostics;
using System.Text;

namespace AttnRnnCluster.Benchmarks;

/// <summary>A process this program starts and always ends: its output is kept for the error message if it fails.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _commandLine;

    private ChildProcess(string file, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _commandLine = $"{file} {string.Join(" ", arguments)}";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static ChildProcess Start(string file, params IReadOnlyList<string> arguments) => new(file, arguments);

    /// <summary>Starts <paramref name="file"/> with <paramref name="environment"/> added to this process's environment.</summary>
    public static ChildProcess Start(string file, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment) =>
        new(file, arguments, environment);

    /// <summary>A .NET executable of this repository from the shared output folder (AttnRnnCluster.Coordinator, AttnRnnCluster.Worker).</summary>
    public static ChildProcess StartApp(string assemblyName, IReadOnlyList<string> arguments) =>
        new("dotnet", [Path.Combine(Repository.AppFolder, assemblyName + ".dll"), .. arguments]);

    /// <summary>Runs to the end and returns everything it printed; throws with that text if it fails or outlives <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = Start(file, arguments, environment);
        await child.WaitAsync(timeout);
        return child.Output;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Waits for a successful exit; a failure or a timeout throws with the command line and the output.</summary>
    public async Task WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"`{_commandLine}` did not finish within {timeout.TotalSeconds:F0} s. Its output:{Environment.NewLine}{Output}");
        }
        _process.WaitForExit(); // drains the redirected output
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"`{_commandLine}` exited with code {_process.ExitCode}. Its output:{Environment.NewLine}{Output}");
    }

    /// <summary>
    /// Lets it run for <paramref name="budget"/>, then asks it to stop as an operator would (SIGTERM: the coordinator
    /// checkpoints and exits 143) and waits up to <paramref name="grace"/> for that; a run that ended by itself
    /// within the budget must have succeeded. Returns true if the budget stopped it.
    /// </summary>
    public async Task<bool> StopAfterAsync(TimeSpan budget, TimeSpan grace)
    {
        using (var deadline = new CancellationTokenSource(budget))
        {
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
                _process.WaitForExit();
                if (_process.ExitCode != 0)
                    throw new InvalidOperationException($"`{_commandLine}` exited with code {_process.ExitCode}. Its output:{Environment.NewLine}{Output}");
                return false;
            }
            catch (OperationCanceledException)
            {
            }
        }
        using (var terminate = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await terminate.WaitForExitAsync();
        using var graceDeadline = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(graceDeadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"`{_commandLine}` did not stop within {grace.TotalSeconds:F0} s of SIGTERM. Its output:{Environment.NewLine}{Output}");
        }
        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line == null) return;
        lock (_output) _output.AppendLine(line);
    }
}
