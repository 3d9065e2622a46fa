using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AttnRnnCluster.Benchmarks;

/// <summary>
/// A training run of the real executables on the adding problem, evaluated only at the end and checkpointed
/// only at the end, so that every step in metrics.jsonl is a plain training step.
/// </summary>
public sealed record TrainingRun(int SeqLen, int Hidden, int Batch, int MicroBatch, int Steps)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static int _runs;

    /// <summary>The coordinator alone, with <paramref name="localWorkers"/> worker actors in its process.</summary>
    public async Task<StepMetrics> InProcessAsync(int localWorkers)
    {
        string folder = NewRunFolder();
        using var coordinator = ChildProcess.StartApp("AttnRnnCluster.Coordinator", [.. CoordinatorArguments(folder), "--local-workers", Text(localWorkers)]);
        await coordinator.WaitAsync(Timeout);
        return StepMetrics.Read(Path.Combine(folder, "metrics.jsonl"));
    }

    /// <summary>The coordinator as a cluster seed with no local worker, and <paramref name="workers"/> worker processes on loopback.</summary>
    public async Task<StepMetrics> ClusterAsync(int workers)
    {
        string folder = NewRunFolder();
        int port = FreePort();
        using var coordinator = ChildProcess.StartApp("AttnRnnCluster.Coordinator",
            [.. CoordinatorArguments(folder), "--local-workers", "0", "--port", Text(port), "--min-workers", Text(workers)]);
        var workerProcesses = Enumerable.Range(1, workers).Select(i => ChildProcess.StartApp("AttnRnnCluster.Worker",
            ["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", $"bench-{i}", "--threads", "1", "--log-level", "warning"])).ToList();
        try
        {
            await coordinator.WaitAsync(Timeout);
            foreach (var worker in workerProcesses) await worker.WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            foreach (var worker in workerProcesses) worker.Dispose();
        }
        return StepMetrics.Read(Path.Combine(folder, "metrics.jsonl"));
    }

    private IReadOnlyList<string> CoordinatorArguments(string folder) =>
    [
        "train", "--task", "adding", "--seq-len", Text(SeqLen), "--hidden", Text(Hidden), "--batch", Text(Batch),
        "--micro-batch", Text(MicroBatch), "--steps", Text(Steps), "--target-loss", "0", "--eval-every", Text(Steps),
        "--checkpoint-every", Text(Steps), "--held-out", "64", "--threads", "1", "--log-level", "warning", "--out", folder,
    ];

    private static string NewRunFolder() =>
        Path.Combine(Repository.Scratch, $"{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref _runs)}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
