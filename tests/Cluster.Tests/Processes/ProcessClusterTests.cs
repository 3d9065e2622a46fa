using System.Globalization;
using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Model.Checkpoints;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The two executables as real processes on loopback, joined by Akka.Cluster. Whatever happens to the workers
/// (killed, joining late, slow), the final weights are the bits of the in-process run with the same settings.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ProcessClusterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-processes-").FullName;
    private readonly List<NodeProcess> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        foreach (string log in Directory.GetFiles(_dir, "*.log"))
            output.WriteLine($"--- {Path.GetFileName(log)} (last lines)\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}");
        Directory.Delete(_dir, recursive: true);
    }

    private static string[] SmallAdding(int steps) =>
    [
        "--seq-len", "12", "--held-out", "40", "--hidden", "8", "--batch", "24", "--micro-batch", "5",
        "--steps", steps.ToString(CultureInfo.InvariantCulture), "--target-loss", "0", "--seed", "11",
        "--eval-every", "3", "--checkpoint-every", "5",
    ];

    private NodeProcess StartCoordinator(int port, int steps, int minWorkers, params string[] extra) =>
        StartCoordinator("run", port, steps, minWorkers, extra);

    private NodeProcess StartCoordinator(string runFolder, int port, int steps, int minWorkers, params string[] extra)
    {
        var process = NodeProcess.Coordinator(
            [.. SmallAdding(steps), "--port", port.ToString(CultureInfo.InvariantCulture), "--local-workers", "0",
             "--min-workers", minWorkers.ToString(CultureInfo.InvariantCulture), "--out", Path.Combine(_dir, runFolder), .. extra],
            Path.Combine(_dir, $"coordinator-{runFolder}.log"));
        _processes.Add(process);
        return process;
    }

    private NodeProcess StartWorker(int port, string name, params string[] extra)
    {
        var process = NodeProcess.Worker(
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", name, "--coordinator-timeout", "60", .. extra],
            Path.Combine(_dir, name + ".log"));
        _processes.Add(process);
        return process;
    }

    private async Task<float[]> InProcessWeights(int steps) =>
        (await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), steps), workers: 2)).Weights;

    private float[] ClusterWeights(string runFolder = "run") => CheckpointFiles.Load(Path.Combine(_dir, runFolder, "checkpoints", "last.safetensors")).Weights;

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
    public async Task A_worker_killed_mid_run_and_one_joining_mid_run_leave_the_result_unchanged()
    {
        int port = NodeProcess.FreePort();
        const int steps = 60;
        var coordinator = StartCoordinator(port, steps, minWorkers: 2, "--shard-timeout", "5");
        // The delay slows every shard so that the run is still going when the kill lands; it does not change results.
        var doomed = StartWorker(port, "worker-doomed", "--inject-delay-ms", "60");
        var steady = StartWorker(port, "worker-steady", "--inject-delay-ms", "60");

        string metrics = Path.Combine(_dir, "run", "metrics.jsonl");
        await Until(() => File.Exists(metrics) && File.ReadLines(metrics).Count(l => l.Contains("\"train\"")) >= 3, "three steps");
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

        string checkpoint = Path.Combine(_dir, "run", "checkpoints", "step-0000010.safetensors");
        await Until(() => File.Exists(checkpoint), "the checkpoint of step 10");
        first.Kill();
        Assert.NotEqual(0, await first.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        // Same port, so the workers find it at the address they know; they rejoin without being restarted.
        var second = StartCoordinator("resumed", port, steps, minWorkers: 2, "--resume", Path.Combine(_dir, "run"));
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

    private static async Task Until(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow + RunLimit;
        while (!condition())
        {
            if (DateTime.UtcNow > limit) throw new TimeoutException($"waited {RunLimit.TotalMinutes} minutes for {what}");
            await Task.Delay(100);
        }
    }
}

/// <summary>Process tests run one at a time: each starts several processes on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
