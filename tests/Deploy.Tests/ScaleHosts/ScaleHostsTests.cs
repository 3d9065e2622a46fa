namespace AttnRnnCluster.Deploy.Tests.ScaleHosts;

/// <summary>
/// deploy/netns/scale-hosts.sh, the scale benchmark's hosts: one namespace per process on a bridge, every link shaped
/// to the asked rate in both directions, and nothing left behind however the script ends.
/// </summary>
public sealed class ScaleHostsTests
{
    [ScaleHostsFact]
    public void Three_worker_hosts_at_1gbit_have_tbf_on_both_ends_of_every_link_and_are_gone_after_release()
    {
        IReadOnlyList<string> namespaces;
        using (var hosts = HeldHosts.Start(workers: 3, "1gbit"))
        {
            namespaces = [.. hosts.Namespaces];

            Assert.Equal(["10.232.0.1", "10.232.0.2", "10.232.0.3", "10.232.0.4"], hosts.Hosts.Select(h => h.Address));
            AssertShaped(hosts, "rate 1Gbit");
            var run = hosts.Release();

            Assert.True(run.ExitCode == 0, run.ToString());
        }

        Assert.Empty(namespaces.Intersect(ExistingNamespaces()));
    }

    [ScaleHostsFact]
    public void Hosts_at_10gbit_are_shaped_to_10gbit_and_a_SIGTERM_removes_them_and_the_processes_inside()
    {
        IReadOnlyList<string> namespaces;
        using (var hosts = HeldHosts.Start(workers: 2, "10gbit"))
        {
            namespaces = [.. hosts.Namespaces];
            AssertShaped(hosts, "rate 10Gbit");
            // A process left running inside a host, as a benchmark that crashed would leave its workers.
            using var sleeper = System.Diagnostics.Process.Start("ip", ["netns", "exec", hosts.Hosts[1].Namespace, "sleep", "600"]);
            for (var until = DateTime.UtcNow.AddSeconds(30); HeldHosts.Processes(hosts.Hosts[1].Namespace).Length == 0 && DateTime.UtcNow < until;) Thread.Sleep(100);
            Assert.NotEmpty(HeldHosts.Processes(hosts.Hosts[1].Namespace));

            var run = hosts.Terminate();

            Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(30)), "the process inside a host outlived the script");
            Assert.Contains("scale-hosts: removed", run.Output);
        }

        Assert.Empty(namespaces.Intersect(ExistingNamespaces()));
    }

    [Theory]
    [InlineData("--workers", "17", "scale-hosts: --workers: expected an integer in 1..16, got \"17\"")]
    [InlineData("--workers", "two", "scale-hosts: --workers: expected an integer in 1..16, got \"two\"")]
    [InlineData("--rate", "fast", "scale-hosts: --rate: expected <n>mbit or <n>gbit (e.g. 1gbit, 10gbit), got \"fast\"")]
    [InlineData("--rate", "1mbit", "scale-hosts: --rate: expected 10mbit..100gbit, got \"1mbit\"")]
    public void A_bad_value_is_refused_with_exit_code_2_and_says_what_it_expected(string option, string value, string message)
    {
        string[] arguments = option == "--workers" ? ["--workers", value, "--rate", "1gbit"] : ["--workers", "2", "--rate", value];

        var run = ProcessRun.Start("bash", [HeldHosts.ScriptPath, .. arguments], TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Error);
    }

    /// <summary>The host end (eth0 in each host: what it sends) and the bridge port (portI in the switch: what it receives) both carry tbf at the rate.</summary>
    private static void AssertShaped(HeldHosts hosts, string rate)
    {
        for (int i = 0; i < hosts.Hosts.Count; i++)
        {
            foreach (var (ns, device) in new[] { (hosts.Hosts[i].Namespace, "eth0"), (hosts.Switch, $"port{i}") })
            {
                string qdiscs = HeldHosts.Qdiscs(ns, device);
                Assert.True(qdiscs.Contains("qdisc tbf") && qdiscs.Contains(rate + " "), $"{device} in {ns} is not shaped with tbf {rate}: {qdiscs}");
            }
        }
    }

    private static IReadOnlyList<string> ExistingNamespaces() =>
        ProcessRun.Start("ip", ["netns", "list"], TimeSpan.FromSeconds(30)).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')[0]).ToList();
}
