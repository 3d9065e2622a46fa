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
