using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Hosting;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Network;

namespace AttnRnnCluster.Benchmarks;

/// <summary>
/// A training run of the coordinator (the adding problem unless <see cref="Workload"/> says otherwise), set up from the same options as the executable's,
/// evaluated and checkpointed only at the end, so that every step measured is a plain training step.
/// </summary>
public sealed record TrainingRun(int SeqLen, int Hidden, int Batch, int MicroBatch, int Steps, int WarmUpSteps = StepMetrics.WarmUpSteps)
{
    /// <summary>What it trains: `--task` and the options that go with it (text: `--data FILE --embed N`).</summary>
    public IReadOnlyList<string> Workload { get; init; } = ["--task", "adding"];

    /// <summary>More `train` options (e.g. --verify-fraction), after the benchmark's own.</summary>
    public IReadOnlyList<string> Extra { get; init; } = [];

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static int _runs;

    /// <summary>
    /// The coordinator and <paramref name="localWorkers"/> worker actors in this process (what `train` does without
    /// --port), so that it shares this process's warmed-up JIT and TorchSharp with the plain loop it is compared to.
    /// </summary>
    public async Task<StepMetrics> InThisProcessAsync(int localWorkers)
    {
        var parsed = CoordinatorCommandLine.Read([.. TrainArguments(), "--local-workers", Text(localWorkers)], new Hashtable());
        if (parsed is not OptionsOutcome<ICoordinatorCommand>.Success { Options: TrainingOptions options })
            throw new InvalidOperationException($"the coordinator refused the benchmark's options: {parsed}");
        var setup = TrainingSetup.Create(options);
        var journal = new StepCollector();
        var summary = await InProcessRun.RunAsync(setup.Plan, setup.Data, setup.Master, journal, localWorkers, threads: 1, GradientEngines.Create,
            extraHocon: "akka { loglevel = WARNING, stdout-loglevel = WARNING }");
        return summary is null or { Failed: true }
            ? throw new InvalidOperationException($"the run failed: {summary?.Reason ?? "the coordinator ended without a summary"}")
            : new StepMetrics(journal.Steps, WarmUpSteps);
    }

    /// <summary>
    /// How the cluster's nodes secure their connections: plain (`--insecure`) by default, as docs/performance.md
    /// measured them before the join token became the default; the security figure sets the token's options.
    /// </summary>
    public IReadOnlyList<string> Security { get; init; } = ["--insecure"];

    /// <summary>The coordinator executable as a cluster seed with no local worker, and <paramref name="workers"/> worker processes on loopback.</summary>
    public async Task<StepMetrics> ClusterAsync(int workers)
    {
        string folder = Path.Combine(Repository.Scratch, $"{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref _runs)}");
        int port = FreePort();
        using var coordinator = ChildProcess.StartApp("AttnRnnCluster.Coordinator",
            [.. TrainArguments(), "--out", folder, "--local-workers", "0", "--port", Text(port), "--min-workers", Text(workers), .. Security]);
        var workerProcesses = Enumerable.Range(1, workers).Select(i => ChildProcess.StartApp("AttnRnnCluster.Worker",
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", $"bench-{i}", "--threads", "1", "--log-level", "warning", .. Security])).ToList();
        try
        {
            await coordinator.WaitAsync(Timeout);
            foreach (var worker in workerProcesses) await worker.WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            foreach (var worker in workerProcesses) worker.Dispose();
        }
        return StepMetrics.Read(Path.Combine(folder, "metrics.jsonl"), WarmUpSteps);
    }

    private IReadOnlyList<string> TrainArguments() =>
    [
        "train", .. Workload, "--seq-len", Text(SeqLen), "--hidden", Text(Hidden), "--batch", Text(Batch),
        "--micro-batch", Text(MicroBatch), "--steps", Text(Steps), "--target-loss", "0", "--eval-every", Text(Steps),
        "--checkpoint-every", Text(Steps), "--held-out", "64", "--threads", "1", "--log-level", "warning", .. Extra,
    ];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The journal of a run in this process: keeps the step reports, writes nothing.</summary>
    private sealed class StepCollector : ITrainingJournal
    {
        private readonly List<(long, double, double)> _steps = [];

        public IReadOnlyList<(long Step, double ExamplesPerSecond, double StepMs)> Steps
        {
            get { lock (_steps) return [.. _steps]; }
        }

        public void Step(TrainStepReport report)
        {
            lock (_steps) _steps.Add((report.Step, report.ExamplesPerSecond, report.StepMs));
        }

        public void Evaluated(EvalReport report)
        {
        }

        public void Checkpoint(long step, bool isBest) { }

        public void Finished(RunSummary summary)
        {
        }

        /// <summary>A benchmark run that fails has no figure: say why, loudly.</summary>
        public void Failed(string doing, Exception error) => Console.Error.WriteLine($"the benchmark run failed while {doing}: {error}");
    }
}
