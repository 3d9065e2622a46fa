namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The TensorBoard tags of a run. TensorBoard groups cards by the part before the first '/', so a run shows the
/// groups loss, throughput, time, optimizer and workers (docs/operations.md lists them).
/// </summary>
public static class TensorBoardTags
{
    public const string TrainLoss = "loss/train";
    public const string EvalLoss = "loss/eval";
    public const string ExamplesPerSecond = "throughput/examples_per_s";
    public const string TokensPerSecond = "throughput/tokens_per_s";
    public const string StepMs = "time/step_ms";
    public const string ComputeSlowestMs = "time/compute_slowest_ms";
    public const string ComputeMedianMs = "time/compute_median_ms";
    public const string WaitingMs = "time/waiting_ms";
    public const string ReduceAndOptimizerMs = "time/reduce_optimizer_ms";
    public const string BroadcastMs = "time/broadcast_ms";
    public const string EvalMs = "time/eval_ms";
    public const string LearningRate = "optimizer/lr";
    public const string GradientNorm = "optimizer/grad_norm";
    /// <summary>Registered workers, as metrics.jsonl's "workers" (silent ones included).</summary>
    public const string WorkersRegistered = "workers/registered";
    /// <summary>Registered workers that get work (not silent).</summary>
    public const string WorkersActive = "workers/active";
    public const string WorkersExcluded = "workers/excluded";

    public static string WorkerLateness(string series) => $"workers/{series}/lateness_ms";
    public static string WorkerShardsDone(string series) => $"workers/{series}/shards_done";
}
