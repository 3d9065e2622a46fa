namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Everything the coordinator actor needs to know about the run, resolved from the options: the schedule of
/// steps, evaluation and checkpoints, and the fault-handling limits.
/// </summary>
public sealed record TrainingPlan(
    long Seed,
    int GlobalBatch,
    int MicroBatch,
    long MaxSteps,
    double? TargetLoss,
    int EvalEvery,
    int CheckpointEvery,
    int LogEvery,
    int MinWorkers,
    TimeSpan StartTimeout,
    TimeSpan ShardTimeout,
    double StragglerFactor,
    TimeSpan StragglerMinimum,
    int MaxBadResults,
    int EvalMicroBatch)
{
    /// <summary>Micro-shards per step; the last may be smaller when the batch is not a multiple.</summary>
    public int ShardsPerStep => (GlobalBatch + MicroBatch - 1) / MicroBatch;
}
