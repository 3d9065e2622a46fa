namespace AttnRnnCluster.Coordinator.Training;

/// <summary>One training step as logged and written to metrics.jsonl. Times are milliseconds.</summary>
public sealed record TrainStepReport(
    long Step,
    double Loss,
    double ExamplesPerSecond,
    double? TokensPerSecond,
    double StepMs,
    double ComputeSlowestMs,
    double ComputeMedianMs,
    double WaitingMs,
    double ReduceAndOptimizerMs,
    double BroadcastMs,
    int Workers,
    double LearningRate,
    double GradientNorm,
    TimeSpan? Eta);

/// <summary>One evaluation on the held-out set.</summary>
public sealed record EvalReport(long Step, double Loss, long Items, double Ms);

/// <summary>How the run ended.</summary>
public sealed record RunSummary(
    long Steps,
    double? LastTrainLoss,
    double? LastEvalLoss,
    double? BestEvalLoss,
    bool ReachedTarget,
    string Reason,
    TimeSpan Elapsed,
    string? LastCheckpoint,
    bool Failed = false) : Akka.Actor.INoSerializationVerificationNeeded;
