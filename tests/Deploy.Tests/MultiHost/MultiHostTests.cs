namespace AttnRnnCluster.Deploy.Tests.MultiHost;

/// <summary>
/// Three hosts made of network namespaces on one machine (deploy/netns/multihost.sh): the coordinator in one, a
/// worker in each of the others, talking over addresses that exist only inside those namespaces.
/// </summary>
public sealed class MultiHostTests
{
    [NetnsFact(training: false)]
    public void Each_worker_host_reaches_the_coordinator_host_and_the_namespaces_are_gone_afterwards()
    {
        var run = MultiHostScript.Run(MultiHostScript.ModeArguments(training: false), timeoutSeconds: 60);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("PASSED: every worker host reached 10.231.0.1:4053 over the bridge", run.Output);
        Assert.Equal(4, MultiHostScript.Namespaces(run).Count);
        Assert.Empty(MultiHostScript.Namespaces(run).Intersect(MultiHostScript.ExistingNamespaces()));
    }

    [NetnsFact(training: true)]
    public void A_coordinator_and_two_workers_on_three_hosts_train_to_the_end()
    {
        var run = MultiHostScript.Run([.. MultiHostScript.ModeArguments(training: true), "--steps", "6"], timeoutSeconds: 240);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("the coordinator exited with code 0 (ok)", run.Output);
        Assert.Contains("PASSED: 6 steps trained by a coordinator at 10.231.0.1 with workers at 10.231.0.2 and 10.231.0.3", run.Output);
        Assert.Empty(MultiHostScript.Namespaces(run).Intersect(MultiHostScript.ExistingNamespaces()));
    }

    [NetnsFact(training: true)]
    public void A_coordinator_cut_off_from_every_worker_keeps_running_and_each_worker_rejoins_or_says_why()
    {
        // Akka's default keep-majority would down the lone coordinator facing two workers; the rule is that its side stays.
        var run = MultiHostScript.Run([.. MultiHostScript.ModeArguments(training: true), "--partition"], timeoutSeconds: 300);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("multihost: partition: both worker hosts cut off from 10.231.0.1", run.Output);
        Assert.Contains("the coordinator exited with code 0 (ok)", run.Output);
        Assert.Contains("PASSED: the coordinator at 10.231.0.1 kept running through a partition from both workers and trained all 100 steps", run.Output);
        Assert.Empty(MultiHostScript.Namespaces(run).Intersect(MultiHostScript.ExistingNamespaces()));
    }

    [NetnsFact(training: false)]
    public void A_run_that_fails_says_why_and_still_removes_its_namespaces()
    {
        // Executables that cannot start: the coordinator fails at once, and the script must clean up all the same.
        string app = Directory.CreateTempSubdirectory("attnrnn-not-an-app-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(app, "AttnRnnCluster.Coordinator.dll"), "not an assembly");
            File.WriteAllText(Path.Combine(app, "AttnRnnCluster.Worker.dll"), "not an assembly");

            var run = MultiHostScript.Run(["--app", app, "--steps", "1"], timeoutSeconds: 60);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("multihost: the coordinator failed (exit code", run.Error);
            Assert.Contains("the coordinator's log has no line saying that worker 1 (10.231.0.2, netns-worker-1) joined", run.Error);
            Assert.Contains("multihost: FAILED", run.Error);
            Assert.Empty(MultiHostScript.Namespaces(run).Intersect(MultiHostScript.ExistingNamespaces()));
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }
}
