using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Model.Checkpoints;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The chain data plane (issue 19) with real processes on loopback: workers keep their gradients, pass the step's sum on
/// in shard order and relay the new weights. Whatever the number of workers or what happens to a relay, the final
/// weights are the bits of the in-process run (whose coordinator sums every gradient itself, the star).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ChainDataPlaneProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan RunLimit = ProcessScratch.RunLimit;
    private readonly ProcessScratch _scratch = new(output, "attnrnn-chain-");

    public void Dispose() => _scratch.Dispose();

    private NodeProcess StartCoordinator(int port, int steps, int minWorkers, params string[] extra) =>
        _scratch.Start(NodeProcess.Coordinator(
            [.. ProcessScratch.SmallAdding(steps), "--port", ProcessScratch.Text(port), "--local-workers", "0", "--data-plane", "chain",
             "--min-workers", ProcessScratch.Text(minWorkers), "--out", _scratch.PathOf("run"), .. _scratch.JoinToken, .. extra],
            _scratch.PathOf("coordinator.log")));

    private NodeProcess StartWorker(int port, string name, params string[] extra) =>
        _scratch.Start(NodeProcess.Worker(
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", name, "--coordinator-timeout", "60", .. _scratch.JoinToken, .. extra],
            _scratch.PathOf(name + ".log")));

    private async Task<float[]> InProcessWeights(int steps) =>
        (await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(_scratch.PathOf("reference"), steps), workers: 2)).Weights;

    private float[] ClusterWeights() => CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Worker_processes_passing_the_sum_along_a_chain_reproduce_the_in_process_run_bitwise(int workers)
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 6, minWorkers: workers);
        var started = Enumerable.Range(1, workers).Select(i => StartWorker(port, $"worker-{i}")).ToList();

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        foreach (var worker in started)
        {
            Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
            Assert.Contains("on the chain data plane", worker.Output());
        }
        Assert.Equal(await InProcessWeights(6), ClusterWeights());
    }

    [Fact]
    public async Task A_worker_killed_while_it_relays_and_one_joining_mid_run_leave_the_result_unchanged()
    {
        int port = NodeProcess.FreePort();
        const int steps = 60;
        var coordinator = StartCoordinator(port, steps, minWorkers: 3, "--shard-timeout", "5");
        // The doomed worker holds every step's sum for a while before passing it on: the kill lands while it relays.
        var doomed = StartWorker(port, "worker-doomed", "--inject-relay-delay-ms", "1500");
        // The others' delay keeps the run going until the late worker has joined; it does not change results.
        var first = StartWorker(port, "worker-a", "--inject-delay-ms", "80");
        var second = StartWorker(port, "worker-b", "--inject-delay-ms", "80");

        await ProcessScratch.Until(() => File.Exists(doomed.LogFile) && CountOf(doomed.Output(), "holding the sum of step") >= 3, "the doomed relay holding its third sum");
        doomed.Kill();
        var late = StartWorker(port, "worker-late", "--inject-delay-ms", "80");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        string log = coordinator.Output();
        Assert.Contains("Worker worker-late", log);
        Assert.Matches(@"Step \d+'s sum starts again once shard\(s\) [\d, ]+ are computed by other workers", log);
        Assert.Equal(await InProcessWeights(steps), ClusterWeights());
        Assert.Equal(0, await first.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await second.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await late.ExitCodeAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_slow_relay_is_named_in_the_log_and_the_steps_still_complete()
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 4, minWorkers: 3);
        // worker-a registers first, so it holds shard 0 and is hop 0 (whose time is not compared: it sends the whole sum).
        StartWorker(port, "worker-a");
        await ProcessScratch.Until(() => File.Exists(coordinator.LogFile) && coordinator.Output().Contains("Worker worker-a"), "worker-a to register");
        StartWorker(port, "worker-slow", "--inject-relay-delay-ms", "2000");
        StartWorker(port, "worker-c");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        string log = coordinator.Output();
        Assert.Matches(@"Slow relay: worker-slow \(.*\) took \d+ ms to pass on the sum of step \d+ \(hop \d+ of \d+", log);
        Assert.DoesNotMatch(@"Slow relay: worker-(a|c) ", log);
        Assert.Contains("done: reached the step cap (4)", log);
        Assert.Equal(await InProcessWeights(4), ClusterWeights());
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
