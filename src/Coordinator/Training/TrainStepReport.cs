namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// One training step as logged and written to metrics.jsonl. Times are milliseconds. <see cref="WorkerTable"/> and
/// <see cref="WorkersExcluded"/> are the workers as of the step's end (for TensorBoard, /metrics and the live page);
/// <see cref="BadResults"/> counts the run's bad results so far, by kind (/metrics).
/// </summary>
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
    TimeSpan? Eta)
{
    public IReadOnlyList<WorkerStatus> WorkerTable { get; init; } = [];
    public int WorkersExcluded { get; init; }
    public IReadOnlyDictionary<BadResultKind, long> BadResults { get; init; } = new Dictionary<BadResultKind, long>();
}
