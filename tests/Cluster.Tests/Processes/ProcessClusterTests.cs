using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Protocol.Wire;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The two executables as real processes on loopback, joined by Akka.Cluster. Whatever happens to the workers
/// (killed, joining late, slow), the final weights are the bits of the in-process run with the same settings.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ProcessClusterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan RunLimit = ProcessScratch.RunLimit;
    private readonly ProcessScratch _scratch = new(output, "attnrnn-processes-");

    public void Dispose() => _scratch.Dispose();

    private NodeProcess StartCoordinator(int port, int steps, int minWorkers, params string[] extra) =>
        StartCoordinator("run", port, steps, minWorkers, extra);

    private NodeProcess StartCoordinator(string runFolder, int port, int steps, int minWorkers, params string[] extra)
    {
        return _scratch.Start(NodeProcess.Coordinator(
            [.. ProcessScratch.SmallAdding(steps), "--port", ProcessScratch.Text(port), "--local-workers", "0",
             "--min-workers", ProcessScratch.Text(minWorkers), "--out", _scratch.PathOf(runFolder), .. _scratch.JoinToken, .. extra],
            _scratch.PathOf($"coordinator-{runFolder}.log")));
    }

    private NodeProcess StartWorker(int port, string name, params string[] extra)
    {
        return _scratch.Start(NodeProcess.Worker(
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", name, "--coordinator-timeout", "60", .. _scratch.JoinToken, .. extra],
            _scratch.PathOf(name + ".log")));
    }

    private async Task<float[]> InProcessWeights(int steps) =>
        (await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(_scratch.PathOf("reference"), steps), workers: 2)).Weights;

    private float[] ClusterWeights(string runFolder = "run") => CheckpointFiles.Load(_scratch.PathOf(runFolder, "checkpoints", "last.safetensors")).Weights;

    [Fact]
    public async Task Coordinator_and_two_worker_processes_reproduce_the_in_process_run_bitwise()
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 8, minWorkers: 2);
        var a = StartWorker(port, "worker-a");
        var b = StartWorker(port, "worker-b");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        Assert.Equal(0, await a.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await b.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        string log = coordinator.Output();
        Assert.Contains("Worker worker-a", log);
        Assert.Contains("Worker worker-b", log);
        Assert.Equal(await InProcessWeights(8), ClusterWeights());
    }

    [Fact]
    public async Task With_bf16_on_the_wire_two_worker_processes_reproduce_the_one_process_bf16_run_bitwise()
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 8, minWorkers: 2, "--wire-precision", "bf16");
        var a = StartWorker(port, "worker-a");
        var b = StartWorker(port, "worker-b");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        Assert.Equal(0, await a.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await b.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        // Each worker was told to round its gradients; no result was refused for its precision.
        Assert.Contains("gradients sent in bf16", a.Output());
        Assert.Contains("gradients sent in bf16", b.Output());
        Assert.DoesNotContain("this run's is bf16", coordinator.Output());
        var options = InProcessTraining.SmallAdding(_scratch.PathOf("reference-bf16"), steps: 8);
        var oneWorker = await InProcessTraining.RunAsync(options with { Cluster = options.Cluster with { WirePrecision = WirePrecision.Bf16 } }, workers: 1);
        Assert.Equal(oneWorker.Weights, ClusterWeights());
        Assert.NotEqual(await InProcessWeights(8), ClusterWeights());
    }

    [Fact]
    public async Task A_worker_killed_mid_run_and_one_joining_mid_run_leave_the_result_unchanged()
    {
        int port = NodeProcess.FreePort();
        const int steps = 60;
        var coordinator = StartCoordinator(port, steps, minWorkers: 2, "--shard-timeout", "5");
        // The delay slows every shard so that the run is still going when the kill lands; it does not change results.
        var doomed = StartWorker(port, "worker-doomed", "--inject-delay-ms", "60");
        var steady = StartWorker(port, "worker-steady", "--inject-delay-ms", "60");

        string metrics = _scratch.PathOf("run", "metrics.jsonl");
        await ProcessScratch.Until(() => File.Exists(metrics) && File.ReadLines(metrics).Count(l => l.Contains("\"train\"")) >= 3, "three steps");
        doomed.Kill();
        var late = StartWorker(port, "worker-late", "--inject-delay-ms", "60");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        string log = coordinator.Output();
        Assert.Contains("Worker worker-late", log);
        Assert.Contains("worker-doomed", log[log.IndexOf("step 3 ", StringComparison.Ordinal)..]);
        Assert.Equal(await InProcessWeights(steps), ClusterWeights());
        Assert.Equal(0, await steady.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await late.ExitCodeAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_coordinator_killed_mid_run_and_restarted_with_resume_finishes_with_the_uninterrupted_bits()
    {
        int port = NodeProcess.FreePort();
        const int steps = 40;
        var first = StartCoordinator("run", port, steps, minWorkers: 2);
        // The delay keeps the run going until the kill lands; it does not change results.
        var a = StartWorker(port, "worker-a", "--inject-delay-ms", "40");
        var b = StartWorker(port, "worker-b", "--inject-delay-ms", "40");

        string checkpoint = _scratch.PathOf("run", "checkpoints", "step-0000010.safetensors");
        await ProcessScratch.Until(() => File.Exists(checkpoint), "the checkpoint of step 10");
        first.Kill();
        Assert.NotEqual(0, await first.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        // Same port, so the workers find it at the address they know; they rejoin without being restarted.
        var second = StartCoordinator("resumed", port, steps, minWorkers: 2, "--resume", _scratch.PathOf("run"));
        Assert.Equal(0, await second.ExitCodeAsync(RunLimit));
        string log = second.Output();
        Assert.Matches(@"resumed at step (1[0-9]|[2-3][0-9]) from", log);
        Assert.Contains("Worker worker-a", log);
        Assert.Contains("Worker worker-b", log);
        Assert.Equal(await InProcessWeights(steps), ClusterWeights("resumed"));
        Assert.Equal(0, await a.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await b.ExitCodeAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_slow_worker_is_named_in_the_log_and_the_steps_still_complete()
    {
        int port = NodeProcess.FreePort();
        var coordinator = StartCoordinator(port, steps: 4, minWorkers: 2);
        StartWorker(port, "worker-fast");
        StartWorker(port, "worker-slow", "--inject-delay-ms", "3000");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        string log = coordinator.Output();
        Assert.Matches(@"Straggler: worker-slow \(.*\) has had shard \d+ of step \d+ for \d+ ms", log);
        Assert.Contains("done: reached the step cap (4)", log);
        Assert.Equal(await InProcessWeights(4), ClusterWeights());
    }

    [Fact]
    public async Task A_shard_that_computes_longer_than_the_shard_timeout_stays_with_its_worker_which_says_it_is_computing()
    {
        int port = NodeProcess.FreePort();
        // Every shard takes 2.5 s against a shard timeout of 1 s: only the worker's progress beats keep it.
        var coordinator = StartCoordinator(port, steps: 1, minWorkers: 1, "--shard-timeout", "1");
        var busy = StartWorker(port, "worker-busy", "--inject-delay-ms", "2500");

        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        Assert.Equal(0, await busy.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        string log = coordinator.Output();
        Assert.Contains("done: reached the step cap (1)", log);
        Assert.DoesNotContain("has been silent", log);
        Assert.Equal(await InProcessWeights(1), ClusterWeights());
    }
}

/// <summary>Process tests run one at a time: each starts several processes on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
