using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// Hosts made by deploy/netns/scale-hosts.sh and held for as long as this object lives: host 0 for the coordinator,
/// hosts 1..N for the workers (or the DDP ranks), every link shaped. Disposing it closes the script's standard
/// input, and the script ends every process inside the namespaces and removes them; if this program dies first, its
/// end closes that input all the same.
/// </summary>
public sealed partial class ScaleHosts : IDisposable
{
    public static string ScriptPath => Path.Combine(Repository.Root, "deploy", "netns", "scale-hosts.sh");

    /// <summary>A bound on building the hosts and on removing them (the processes inside get 5 s after SIGTERM).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly Process _script;
    private readonly StringBuilder _error = new();

    private ScaleHosts(Process script, IReadOnlyList<(string Namespace, string Address)> hosts)
    {
        _script = script;
        Hosts = hosts;
    }

    /// <summary>Host i's namespace and address (10.232.0.(i+1)).</summary>
    public IReadOnlyList<(string Namespace, string Address)> Hosts { get; }

    /// <summary>Null when this machine can make the hosts, else why not (the script's own check: root, namespaces, tc with tbf).</summary>
    public static async Task<string?> WhyNotAsync()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces are Linux's";
        if (!Environment.IsPrivilegedProcess) return "needs root to create network namespaces and shape their links (run as root)";
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add("--check");
        using var check = Process.Start(start)!;
        string error = await check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync();
        return check.ExitCode == 0 ? null : error.Trim().Replace("scale-hosts: SKIPPED: ", "", StringComparison.Ordinal);
    }

    /// <summary>Builds the coordinator's host and <paramref name="workers"/> more, every link at <paramref name="link"/>.</summary>
    public static ScaleHosts Start(int workers, LinkRate link)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in new[] { ScriptPath, "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", link.Text })
            start.ArgumentList.Add(argument);
        var script = Process.Start(start)!;
        var lines = new List<string>();
        var ready = Task.Run(() =>
        {
            while (script.StandardOutput.ReadLine() is { } line)
            {
                lines.Add(line);
                if (line == "scale-hosts: ready") return true;
            }
            return false;
        });
        if (!ready.Wait(Bound) || !ready.Result)
        {
            if (!script.HasExited) script.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"deploy/netns/scale-hosts.sh did not make the hosts:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}{Environment.NewLine}{script.StandardError.ReadToEnd()}");
        }
        var announced = lines.Select(l => HostsLine().Match(l)).First(m => m.Success);
        var hosts = announced.Groups["hosts"].Value.Split(' ').Select(pair => pair.Split('=')).Select(p => (p[0], p[1])).ToList();
        var held = new ScaleHosts(script, hosts);
        script.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (held._error) held._error.AppendLine(e.Data); };
        script.BeginErrorReadLine();
        return held;
    }

    /// <summary>Starts <paramref name="file"/> inside host <paramref name="host"/>'s namespace (`ip netns exec`, which keeps the environment).</summary>
    public ChildProcess StartIn(int host, string file, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        ChildProcess.Start("ip", ["netns", "exec", Hosts[host].Namespace, file, .. arguments], environment);

    public void Dispose()
    {
        try
        {
            _script.StandardInput.Close();
            if (!_script.WaitForExit(Bound))
            {
                Console.Error.WriteLine($"deploy/netns/scale-hosts.sh did not remove the hosts within {Bound.TotalSeconds:F0} s; killing it");
                _script.Kill(entireProcessTree: true);
            }
            else if (_script.ExitCode != 0)
                lock (_error) Console.Error.WriteLine($"deploy/netns/scale-hosts.sh exited with code {_script.ExitCode}: {_error}");
        }
        finally
        {
            _script.Dispose();
        }
    }

    [GeneratedRegex(@"^scale-hosts: hosts (?<hosts>\S+=\S+(?: \S+=\S+)*) on ")]
    private static partial Regex HostsLine();
}
