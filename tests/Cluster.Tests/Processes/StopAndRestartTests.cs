using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Model.Checkpoints;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// What a supervisor (systemd, Kubernetes, a shell) does to a node, with real processes: start a second one on a
/// taken port, send one SIGTERM or SIGINT, restart a run that was stopped or had finished.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StopAndRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan RunLimit = ProcessScratch.RunLimit;
    private readonly ProcessScratch _scratch = new(output, "attnrnn-stop-");

    public void Dispose() => _scratch.Dispose();

    private static string[] SmallAdding(int steps) => ProcessScratch.SmallAdding(steps);

    private NodeProcess Coordinator(string name, params string[] args) =>
        Start(NodeProcess.Coordinator(args, _scratch.PathOf(name + ".log")));

    private NodeProcess ClusterCoordinator(string name, int port, int steps, int minWorkers, params string[] extra) =>
        Coordinator(name, [.. SmallAdding(steps), "--port", Text(port), "--local-workers", "0", "--min-workers", Text(minWorkers),
            "--out", _scratch.PathOf("run"), .. _scratch.JoinToken, .. extra]);

    private NodeProcess Worker(string name, int port, params string[] extra) =>
        Start(NodeProcess.Worker(["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", name, "--coordinator-timeout", "60", .. _scratch.JoinToken, .. extra],
            _scratch.PathOf(name + ".log")));

    private NodeProcess Start(NodeProcess process) => _scratch.Start(process);

    [Fact]
    public async Task A_second_coordinator_on_a_taken_port_exits_2_naming_the_port_and_its_holder_and_the_first_trains_on()
    {
        int port = NodeProcess.FreePort();
        var first = ClusterCoordinator("first", port, steps: 8, minWorkers: 1);
        Worker("worker", port, "--inject-delay-ms", "100");
        await ProcessScratch.Until(() => first.Output().Contains("Coordinator listening at", StringComparison.Ordinal), "the first coordinator to listen");

        var second = Coordinator("second", [.. SmallAdding(8), "--port", Text(port), "--local-workers", "0", "--out", _scratch.PathOf("second")]);

        Assert.Equal(2, await second.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"--port {port}: port {port} of 127.0.0.1 is already taken by process {first.Id} (dotnet ", second.Output());
        Assert.False(Directory.Exists(_scratch.PathOf("second")));
        Assert.Equal(0, await first.ExitCodeAsync(RunLimit));
        Assert.Equal(await InProcessWeights(8), CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights);
    }

    [Theory]
    [InlineData("coordinator", "--port")]
    [InlineData("coordinator", "--bulk-port")]
    [InlineData("worker", "--port")]
    [InlineData("worker", "--bulk-port")]
    public async Task A_node_whose_port_is_taken_exits_2_naming_the_option_the_port_and_what_holds_it(string role, string option)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        int port = option == "--port" ? taken : NodeProcess.FreePort();
        string[] bulk = option == "--bulk-port" ? ["--bulk-port", Text(taken)] : [];
        var node = role == "coordinator"
            ? Coordinator("node", [.. SmallAdding(4), "--port", Text(port), "--local-workers", "0", "--out", _scratch.PathOf("run"), .. bulk])
            : Start(NodeProcess.Worker(["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{NodeProcess.FreePort()}", "--port", Text(port), .. _scratch.JoinToken, .. bulk],
                _scratch.PathOf("node.log")));

        Assert.Equal(2, await node.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"{option} {taken}: port {taken} of 127.0.0.1 is already taken by process {Environment.ProcessId} (", node.Output());
        Assert.False(Directory.Exists(_scratch.PathOf("run")));
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task A_coordinator_stops_at_one_signal_with_a_final_checkpoint_and_resumed_on_its_port_finishes_with_the_uninterrupted_bits(string signal, int exitCode)
    {
        int port = NodeProcess.FreePort();
        const int steps = 40;
        var first = ClusterCoordinator("first", port, steps, minWorkers: 1);
        // The delay keeps the run going until the signal lands; it does not change results.
        var worker = Worker("worker", port, "--inject-delay-ms", "40");
        string metrics = _scratch.PathOf("run", "metrics.jsonl");
        await ProcessScratch.Until(() => TrainSteps(metrics) >= 3, "three steps");

        first.Signal(signal);

        Assert.Equal(exitCode, await first.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        string log = first.Output();
        Assert.Contains($"SIG{signal} received: stopping", log);
        Assert.Contains($"--resume {_scratch.PathOf("run")} continues it", log);
        // The final checkpoint holds the last step done (a whole step: the loop saves between two messages).
        long saved = CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Step;
        Assert.Equal(TrainSteps(metrics), saved);
        Assert.True(saved < steps, $"the run finished (step {saved}) before the signal landed");

        // Restarted on the same port at once, as a supervisor would: the waiting worker rejoins it.
        var second = ClusterCoordinator("second", port, steps, minWorkers: 1, "--resume", _scratch.PathOf("run"));
        Assert.Equal(0, await second.ExitCodeAsync(RunLimit));
        Assert.Contains($"resumed at step {saved} from", second.Output());
        Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(await InProcessWeights(steps), CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task A_worker_leaves_the_cluster_at_one_signal_and_the_run_finishes_without_it_with_the_same_bits(string signal, int exitCode)
    {
        int port = NodeProcess.FreePort();
        const int steps = 20;
        var coordinator = ClusterCoordinator("coordinator", port, steps, minWorkers: 2);
        var leaving = Worker("worker-leaving", port, "--inject-delay-ms", "40");
        var staying = Worker("worker-staying", port, "--inject-delay-ms", "40");
        await ProcessScratch.Until(() => TrainSteps(_scratch.PathOf("run", "metrics.jsonl")) >= 3, "three steps");

        leaving.Signal(signal);

        Assert.Equal(exitCode, await leaving.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains($"Worker worker-leaving stopped by SIG{signal}: it left the cluster", leaving.Output());
        Assert.Equal(0, await coordinator.ExitCodeAsync(RunLimit));
        Assert.Matches(@"Worker worker-leaving \(.*\) stopped \(actor or process ended\)", coordinator.Output());
        Assert.Equal(0, await staying.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(await InProcessWeights(steps), CheckpointFiles.Load(_scratch.PathOf("run", "checkpoints", "last.safetensors")).Weights);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task A_coordinator_whose_actor_hangs_still_ends_at_one_signal_and_says_how_to_go_on(string signal, int exitCode)
    {
        int port = NodeProcess.FreePort();
        var coordinator = ClusterCoordinator("coordinator", port, steps: 40, minWorkers: 1, "--inject-coordinator-fault", "hang");
        Worker("worker", port);
        await ProcessScratch.Until(() => coordinator.Output().Contains("Fault injection: the coordinator actor hangs", StringComparison.Ordinal), "the coordinator actor to hang");

        coordinator.Signal(signal);

        Assert.Equal(exitCode, await coordinator.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        string log = coordinator.Output();
        Assert.Contains("The coordinator actor did not answer the stop within 4 s (it may be stuck): no final checkpoint", log);
        Assert.Contains($"--resume {_scratch.PathOf("run")} continues it from its newest checkpoint", log);
    }

    [Fact]
    public async Task A_coordinator_whose_actor_stops_ends_by_itself_with_exit_1()
    {
        int port = NodeProcess.FreePort();
        var coordinator = ClusterCoordinator("coordinator", port, steps: 40, minWorkers: 1, "--inject-coordinator-fault", "stop");
        Worker("worker", port);

        Assert.Equal(1, await coordinator.ExitCodeAsync(RunLimit));
        string log = coordinator.Output();
        Assert.Contains("The coordinator actor stopped unexpectedly; the run cannot go on", log);
        Assert.Contains($"--resume {_scratch.PathOf("run")} continues it from its newest checkpoint", log);
    }

    [Fact]
    public async Task Resuming_a_run_that_reached_its_step_cap_trains_nothing_and_exits_0_with_its_files_untouched()
    {
        string run = _scratch.PathOf("run");
        Assert.Equal(0, await Coordinator("first", [.. SmallAdding(6), "--local-workers", "1", "--out", run]).ExitCodeAsync(RunLimit));
        var before = Fingerprints(run);

        var again = Coordinator("again", [.. SmallAdding(6), "--local-workers", "1", "--out", run,
            "--resume", Path.Combine(run, "checkpoints", "last.safetensors")]);

        Assert.Equal(0, await again.ExitCodeAsync(RunLimit));
        Assert.Contains($"The run in {run} is finished: its checkpoint is at step 6 and the step cap is 6 (--steps). Nothing to train", again.Output());
        Assert.Equal(before, Fingerprints(run));
    }

    [Fact]
    public async Task Resuming_a_run_that_reached_its_target_trains_nothing_until_the_target_is_lowered()
    {
        string run = _scratch.PathOf("run");
        // The untrained model's held-out MSE is far below 10: the first evaluation (step 3) reaches the target.
        string[] options = [.. SmallAdding(40), "--local-workers", "1", "--out", run];
        Assert.Equal(0, await Coordinator("first", [.. options, "--target-loss", "10"]).ExitCodeAsync(RunLimit));
        Assert.Contains("\"reached_target\": true", File.ReadAllText(Path.Combine(run, "finished.json")));
        var before = Fingerprints(run);

        var again = Coordinator("again", [.. options, "--target-loss", "10", "--resume", run]);

        Assert.Equal(0, await again.ExitCodeAsync(RunLimit));
        Assert.Contains($"The run in {run} is finished: it reached its target at step 3", again.Output());
        Assert.Equal(before, Fingerprints(run));

        var lower = Coordinator("lower", [.. options, "--target-loss", "0", "--resume", run]);
        Assert.Equal(0, await lower.ExitCodeAsync(RunLimit));
        Assert.Contains("done: reached the step cap (40)", lower.Output());
    }

    private async Task<float[]> InProcessWeights(int steps) =>
        (await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(_scratch.PathOf("reference"), steps), workers: 1)).Weights;

    private static int TrainSteps(string metrics) =>
        File.Exists(metrics) ? File.ReadLines(metrics).Count(l => l.Contains("\"kind\":\"train\"", StringComparison.Ordinal)) : 0;

    /// <summary>Every file of the run folder with a hash of its bytes.</summary>
    private static Dictionary<string, string> Fingerprints(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static string Text(int value) => ProcessScratch.Text(value);
}
