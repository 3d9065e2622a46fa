namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Everything the training loop needs to know about the run, resolved from the options: the schedule of steps,
/// evaluation and checkpoints, and the fault-handling limits.
/// </summary>
public sealed record TrainingPlan(
    ulong Seed,
    int GlobalBatch,
    int MicroBatch,
    long MaxSteps,
    double? TargetLoss,
    int EvalEvery,
    int CheckpointEvery,
    int MinWorkers,
    TimeSpan StartTimeout,
    TimeSpan ShardTimeout,
    double StragglerFactor,
    TimeSpan StragglerMinimum,
    int MaxBadResults,
    int EvalMicroBatch)
{
    /// <summary>
    /// The least time a shard is out before an idle worker may back it up, whatever the median says: below a few
    /// hundred milliseconds a "straggler" is scheduling noise, and a backup would only double the work.
    /// </summary>
    public static readonly TimeSpan DefaultStragglerMinimum = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Evaluation shards hold at least this many sequences: they need no gradient (a forward pass, no result of the
    /// model's size), so larger shards mean fewer messages for the same work.
    /// </summary>
    public const int MinEvalMicroBatch = 64;

    public static int EvalMicroBatchFor(int microBatch) => Math.Max(microBatch, MinEvalMicroBatch);

    /// <summary>
    /// How often a computing worker says so (<c>ShardProgress</c>): a quarter of the shard timeout, so a worker is
    /// judged silent only after missing three beats in a row; within 0.1–5 s, so that beats cost nothing on the
    /// wire and a long timeout still hears from its workers every few seconds.
    /// </summary>
    public TimeSpan ProgressInterval =>
        TimeSpan.FromTicks(Math.Clamp(ShardTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
}
