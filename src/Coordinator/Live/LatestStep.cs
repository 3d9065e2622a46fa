namespace AttnRnnCluster.Coordinator.Live;

/// <summary>The newest step's figures: its loss, throughput, learning rate, and where its time went (milliseconds).</summary>
public sealed record LatestStep(
    long Step,
    double Loss,
    double ExamplesPerSecond,
    double? TokensPerSecond,
    double LearningRate,
    double GradientNorm,
    int Workers,
    double? EtaSeconds,
    double StepMs,
    double ComputeSlowestMs,
    double ComputeMedianMs,
    double WaitingMs,
    double ReduceAndOptimizerMs,
    double BroadcastMs);
