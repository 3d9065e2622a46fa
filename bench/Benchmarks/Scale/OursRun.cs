using System.Globalization;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// Ours, on the chain data plane (or the star, with --data-plane star): the real Coordinator executable in host 0 (`train --task adding`, no local
/// worker, the product's default security: mutual TLS keyed by a join token) and N bench/SyntheticWorker processes
/// in hosts 1..N, one thread each (or, with <c>tls: false</c>, all with `--insecure`: cleartext, as DDP's gloo). 16 micro-shards a step (micro-batch 4, batch 64); evaluation and checkpoints only
/// after the last step (every run does them then); TensorBoard off (a view of the run, not its data plane).
/// </summary>
public static class OursRun
{
    public const int Port = 4053, MicroBatch = 4, SeqLen = 100;

    private static readonly TimeSpan CoordinatorBound = TimeSpan.FromMinutes(20), WorkerBound = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The median step time (seconds) of the measured steps, from the run's metrics.jsonl, how many stragglers the
    /// coordinator named, and the machine's CPU over the measured steps (null if the run never reached their end).
    /// </summary>
    public static async Task<(double SecondsPerStep, int Stragglers, CpuWindow? Cpu)> RunAsync(ScaleHosts hosts, int workers, int hidden, StepPlan plan, TimeSpan computePerShard, string dataPlane = "chain", bool tls = true)
    {
        string folder = Path.Combine(Repository.Scratch, $"scale-{DateTime.Now:yyyyMMdd-HHmmss}-n{workers}-h{hidden}");
        Directory.CreateDirectory(folder);
        string token = Path.Combine(folder, "scale-join-token");
        JoinToken.Generate().WriteFile(token);
        string steps = Text(plan.Steps);
        // Larger than the run: no evaluation or checkpoint between steps (the run still evaluates and checkpoints after its last).
        string never = Text(plan.Steps + 1);
        string coordinatorAddress = hosts.Hosts[0].Address;
        string[] security = tls ? ["--join-token-file", token] : ["--insecure"];
        using var coordinator = hosts.StartIn(0, "dotnet", [Path.Combine(Repository.AppFolder, "AttnRnnCluster.Coordinator.dll"),
            "train", "--task", "adding", "--seq-len", Text(SeqLen), "--hidden", Text(hidden),
            "--batch", Text(LinkFloor.ShardsPerStep * MicroBatch), "--micro-batch", Text(MicroBatch),
            "--steps", steps, "--target-loss", "0", "--eval-every", never, "--checkpoint-every", never, "--keep-checkpoints", "1",
            "--held-out", "64", "--threads", "1", "--tensorboard", "off", "--data-plane", dataPlane,
            "--local-workers", "0", "--min-workers", Text(workers), "--start-timeout", "300",
            "--port", Text(Port), "--hostname", coordinatorAddress, .. security, "--out", Path.Combine(folder, "run")]);
        var workerProcesses = Enumerable.Range(1, workers).Select(i => hosts.StartIn(i, "dotnet", [Path.Combine(Repository.AppFolder, "AttnRnnCluster.SyntheticWorker.dll"),
            "--compute-ms", Text((int)computePerShard.TotalMilliseconds),
            "--seed-nodes", $"{(tls ? "akka.ssl.tcp" : "akka.tcp")}://attnrnn@{coordinatorAddress}:{Port}", "--hostname", hosts.Hosts[i].Address,
            .. security, "--name", $"scale-{i}", "--threads", "1", "--coordinator-timeout", "300", "--log-level", "warning"])).ToList();
        string metricsFile = Path.Combine(folder, "run", "metrics.jsonl");
        using var stop = new CancellationTokenSource();
        var cpu = WatchCpuAsync(metricsFile, plan, stop.Token);
        try
        {
            await coordinator.WaitAsync(CoordinatorBound);
            foreach (var worker in workerProcesses) await worker.WaitAsync(WorkerBound);
        }
        finally
        {
            foreach (var worker in workerProcesses) worker.Dispose();
            await stop.CancelAsync();
        }
        var metrics = StepMetrics.Read(metricsFile, plan.WarmUp);
        int stragglers = coordinator.Output.Split('\n').Count(line => line.Contains("Straggler: ", StringComparison.Ordinal) || line.Contains("Slow relay: ", StringComparison.Ordinal));
        return (metrics.MedianStepMs / 1000, stragglers, await cpu);
    }

    /// <summary>
    /// Reads the machine's CPU when the last warm-up step's line appears in metrics.jsonl and again when the last measured
    /// step's does (it is written as each step ends; polled every 50 ms, a small part of the window's 20 s and more).
    /// </summary>
    private static async Task<CpuWindow?> WatchCpuAsync(string metricsFile, StepPlan plan, CancellationToken stop)
    {
        CpuWindow.Reading? start = null;
        try
        {
            while (true)
            {
                await Task.Delay(50, stop);
                long last = StepMetrics.LastStep(metricsFile);
                if (start == null && last >= plan.WarmUp) start = CpuWindow.Read();
                if (start != null && last >= plan.Steps) return CpuWindow.Between(start.Value, CpuWindow.Read(), plan.Steps - plan.WarmUp);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
