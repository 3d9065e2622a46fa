using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Model.Checkpoints;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// Issue 16 with the real executables: a worker process started with <c>--inject-fault</c> is caught and excluded,
/// and the run either ends with the in-process run's bits or, with no worker left, fails within <c>--worker-wait</c>
/// (exit 1, the log line saying why). The rules themselves are tested on the loop alone (<see cref="LoopFaultTests"/>).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FaultyWorkerProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessScratch _scratch = new(output, "attnrnn-faulty-processes-");

    public void Dispose() => _scratch.Dispose();

    private NodeProcess StartCoordinator(int port, int steps, int minWorkers, params string[] extra) =>
        _scratch.Start(NodeProcess.Coordinator(
            [.. ProcessScratch.SmallAdding(steps), "--port", ProcessScratch.Text(port), "--local-workers", "0",
             "--min-workers", ProcessScratch.Text(minWorkers), "--out", _scratch.PathOf("run"), .. _scratch.JoinToken, .. extra],
            _scratch.PathOf("coordinator.log")));

    private NodeProcess StartWorker(int port, string name, params string[] extra) =>
        _scratch.Start(NodeProcess.Worker(
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", name, "--coordinator-timeout", "60", .. _scratch.JoinToken, .. extra],
            _scratch.PathOf(name + ".log")));

    [Fact]
    public async Task Verified_training_excludes_a_worker_process_that_flips_bits_and_the_run_keeps_the_in_process_bits()
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 6, minWorkers: 3, "--verify-fraction", "1");
        var a = StartWorker(port, "worker-a");
        var flipper = StartWorker(port, "worker-flipper", "--inject-fault", "flip-bit-1pct");
        var b = StartWorker(port, "worker-b");

        Assert.Equal(0, await coordinator.ExitCodeAsync(ProcessScratch.RunLimit));
        Assert.Equal(1, await flipper.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Matches(@"Excluded worker worker-flipper \(.*\) by verification: its result for shard \d+ of step 1 differs bit for bit", coordinator.Output());
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(_scratch.PathOf("reference"), 6), workers: 2);
        Assert.Equal(reference.Weights, CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights);
        Assert.Equal(0, await a.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await b.ExitCodeAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_lone_worker_process_that_fails_every_shard_is_excluded_and_the_run_fails_after_the_worker_wait()
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 6, minWorkers: 1, "--worker-wait", "2");
        var failing = StartWorker(port, "worker-failing", "--inject-fault", "fail-every-shard");

        Assert.Equal(1, await coordinator.ExitCodeAsync(ProcessScratch.RunLimit));
        Assert.Equal(1, await failing.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        string log = coordinator.Output();
        Assert.Contains("Excluded worker worker-failing", log);
        Assert.Contains("No workers left: training waits up to 2s (--worker-wait) for one to join, then fails with a checkpoint", log);
        Assert.Contains("run failed after 0 steps", log);
        Assert.Contains("step 1 had no worker for 2s (--worker-wait 2)", log);
    }
}
