namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// The least time a step's transfers take on links of a given rate, by arithmetic alone (no latency, no CPU): what a
/// row would show if the links were the only limit. A row far above its floor is bound by something else, on this
/// machine mostly its 2 cores shared by every process (TLS, copies, checksums).
/// </summary>
public static class LinkFloor
{
    /// <summary>A step's micro-shards: each sends its own gradient (float32) to the coordinator.</summary>
    public const int ShardsPerStep = 16;

    /// <summary>
    /// The star: the coordinator's link receives one gradient per shard (16 × 4P bytes) while it sends the weights to
    /// each of N workers (N × 4P, at most as many); both directions run at once, so the larger one bounds the step.
    /// </summary>
    public static double StarSeconds(int workers, int parameters, LinkRate link) =>
        Math.Max(ShardsPerStep, workers) * 4.0 * parameters / link.BytesPerSecond;

    /// <summary>A ring allreduce (gloo's, under DDP): each rank sends and receives 2 (N - 1) / N × 4P bytes; nothing with one rank.</summary>
    public static double RingSeconds(int workers, int parameters, LinkRate link) =>
        2.0 * (workers - 1) / workers * 4.0 * parameters / link.BytesPerSecond;

    /// <summary>
    /// The least a star step can take: a worker sends each shard's gradient as soon as it has it, while it computes
    /// the next, so compute and transfer overlap and the longer of the two bounds the step.
    /// </summary>
    public static double StarStepSeconds(int workers, int parameters, LinkRate link, TimeSpan perShard) =>
        Math.Max(ComputeSeconds(workers, perShard), StarSeconds(workers, parameters, link));

    /// <summary>
    /// The least a DDP step can take here: the backward is nearly free, so the allreduce starts only after the
    /// compute (a sleep) and they add up.
    /// </summary>
    public static double RingStepSeconds(int workers, int parameters, LinkRate link, TimeSpan perShard) =>
        ComputeSeconds(workers, perShard) + RingSeconds(workers, parameters, link);

    /// <summary>
    /// The least a chain step can take: the new weights go down the chain and the sum comes up it, each one model
    /// (4P bytes) through every link in turn; the busiest worker's compute comes between them. The pipeline's fill (a
    /// segment per hop) is left out.
    /// </summary>
    public static double ChainStepSeconds(int workers, int parameters, LinkRate link, TimeSpan perShard) =>
        ComputeSeconds(workers, perShard) + 2 * 4.0 * parameters / link.BytesPerSecond;

    /// <summary>The synthetic compute of a step on the busiest worker: its shards, one after the other.</summary>
    public static double ComputeSeconds(int workers, TimeSpan perShard) =>
        Math.Ceiling(ShardsPerStep / (double)workers) * perShard.TotalSeconds;
}
