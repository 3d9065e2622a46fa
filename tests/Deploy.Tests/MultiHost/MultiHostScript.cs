using System.Text.RegularExpressions;

namespace AttnRnnCluster.Deploy.Tests.MultiHost;

/// <summary>deploy/netns/multihost.sh: how the tests start it and read what it says.</summary>
public static partial class MultiHostScript
{
    public static string Path { get; } = Repository.PathOf("deploy", "netns", "multihost.sh");

    /// <summary>The arguments of the two modes: the network check alone, or a training run of the built executables.</summary>
    public static IReadOnlyList<string> ModeArguments(bool training) =>
        training ? ["--app", Repository.AppFolder] : ["--network-only"];

    /// <summary>Runs the script; <paramref name="timeoutSeconds"/> is its own bound, and this process waits a little longer.</summary>
    public static ProcessRun Run(IEnumerable<string> arguments, int timeoutSeconds) =>
        ProcessRun.Start("bash", [Path, "--timeout", timeoutSeconds.ToString(), .. arguments], TimeSpan.FromSeconds(timeoutSeconds + 90));

    /// <summary>The namespaces the run says it made (its "hosts ..." line) and the switch between them.</summary>
    public static IReadOnlyList<string> Namespaces(ProcessRun run)
    {
        var hosts = HostsLine().Match(run.Output);
        Assert.True(hosts.Success, $"the script named no hosts: {run}");
        var names = hosts.Groups[1].Value.Split(' ').ToList();
        names.Add(names[0][..names[0].LastIndexOf('-')] + "-sw");
        return names;
    }

    /// <summary>The namespaces that exist now.</summary>
    public static IReadOnlyList<string> ExistingNamespaces() =>
        ProcessRun.Start("ip", ["netns", "list"], TimeSpan.FromSeconds(30)).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')[0]).ToList();

    [GeneratedRegex(@"^multihost: hosts (\S+(?: \S+)*) on ", RegexOptions.Multiline)]
    private static partial Regex HostsLine();
}
