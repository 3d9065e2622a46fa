using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Deploy.Tests.ScaleHosts;

/// <summary>
/// deploy/netns/scale-hosts.sh started and holding its hosts: the namespaces and addresses it announced, until
/// <see cref="Release"/> closes its standard input or <see cref="Terminate"/> sends it SIGTERM. Disposing it
/// releases the hosts whatever happened, so a failed test leaves no namespace behind.
/// </summary>
public sealed partial class HeldHosts : IDisposable
{
    public static string ScriptPath { get; } = Repository.PathOf("deploy", "netns", "scale-hosts.sh");

    /// <summary>How long the script may take to build the hosts, and to remove them: a bound of the test, not a figure it asserts.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    /// <summary>What the script printed before it was ready (its hosts line).</summary>
    private readonly StringBuilder _output = new();

    private HeldHosts(Process process, IReadOnlyList<(string Namespace, string Address)> hosts, string switchNamespace)
    {
        _process = process;
        Hosts = hosts;
        Switch = switchNamespace;
    }

    /// <summary>Host 0 (the coordinator's) first, then the workers': each namespace and its address.</summary>
    public IReadOnlyList<(string Namespace, string Address)> Hosts { get; }

    /// <summary>The namespace holding the bridge and its ports port0..portN.</summary>
    public string Switch { get; }

    public IEnumerable<string> Namespaces => Hosts.Select(h => h.Namespace).Append(Switch);

    /// <summary>Starts the script and waits for its "ready" line.</summary>
    public static HeldHosts Start(int workers, string rate)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in new[] { ScriptPath, "--workers", workers.ToString(), "--rate", rate }) info.ArgumentList.Add(argument);
        var process = Process.Start(info)!;
        var lines = new List<string>();
        var reading = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
                if (line == "scale-hosts: ready") return;
            }
        });
        if (!reading.Wait(Bound) || !lines.Contains("scale-hosts: ready"))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"scale-hosts.sh did not say ready within {Bound.TotalSeconds} s:\n{string.Join('\n', lines)}\n{process.StandardError.ReadToEnd()}");
        }
        var announced = HostsLine().Match(string.Join('\n', lines));
        if (!announced.Success) throw new InvalidOperationException($"scale-hosts.sh named no hosts:\n{string.Join('\n', lines)}");
        var hosts = announced.Groups["hosts"].Value.Split(' ').Select(pair => pair.Split('=')).Select(p => (p[0], p[1])).ToList();
        var held = new HeldHosts(process, hosts, announced.Groups["switch"].Value);
        held._output.AppendJoin('\n', lines).Append('\n');
        return held;
    }

    /// <summary>What `tc qdisc show dev DEVICE` says inside <paramref name="ns"/>.</summary>
    public static string Qdiscs(string ns, string device) =>
        ProcessRun.Start("ip", ["netns", "exec", ns, "tc", "qdisc", "show", "dev", device], TimeSpan.FromSeconds(30)).Output;

    /// <summary>What `ip netns pids` says of <paramref name="ns"/>: the processes inside it.</summary>
    public static string Processes(string ns) =>
        ProcessRun.Start("ip", ["netns", "pids", ns], TimeSpan.FromSeconds(30)).Output.Trim();

    /// <summary>Closes the script's standard input, as the benchmark does when it is done, and waits for it to clean up.</summary>
    public ProcessRun Release()
    {
        _process.StandardInput.Close();
        return Finish();
    }

    /// <summary>SIGTERM to the script, as a stopped run would send, and waits for it to clean up.</summary>
    public ProcessRun Terminate()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
        return Finish();
    }

    private ProcessRun Finish()
    {
        var output = _process.StandardOutput.ReadToEndAsync();
        var error = _process.StandardError.ReadToEndAsync();
        if (!_process.WaitForExit(Bound))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scale-hosts.sh did not end within {Bound.TotalSeconds} s of being released");
        }
        return new ProcessRun(_process.ExitCode, _output + output.Result, error.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.StandardInput.Close(); } catch (IOException) { }
            if (!_process.WaitForExit(Bound)) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"^scale-hosts: hosts (?<hosts>\S+=\S+(?: \S+=\S+)*) on \S+, switch (?<switch>\S+);", RegexOptions.Multiline)]
    private static partial Regex HostsLine();
}
