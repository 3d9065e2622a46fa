namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Everything the coordinator actor needs to know about the run, resolved from the options: the schedule of
/// steps, evaluation and checkpoints, and the fault-handling limits.
/// </summary>
public sealed record TrainingPlan(
    ulong Seed,
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
    int EvalMicroBatch);
