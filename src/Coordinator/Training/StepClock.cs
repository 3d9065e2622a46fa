namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The timing of one round: when it started (on the loop's <see cref="TimeProvider"/>), how long its batch took to
/// build, and how long each worker computed in it (the sum of its accepted shards, as the workers measured them), for
/// the step line's slowest and median worker.
/// </summary>
public sealed class StepClock(TimeProvider time, double buildMs = 0, long examples = 0, long? tokens = null)
{
    private readonly long _started = time.GetTimestamp();
    private readonly Dictionary<WorkerId, double> _computeMsByWorker = [];

    public double BuildMs { get; } = buildMs;
    public long Examples { get; } = examples;
    public long? Tokens { get; } = tokens;
    public double ElapsedMs => time.GetElapsedTime(_started).TotalMilliseconds + BuildMs;
    public double SlowestComputeMs => _computeMsByWorker.Count == 0 ? 0 : _computeMsByWorker.Values.Max();
    public double MedianComputeMs => ShardTimings.Median(_computeMsByWorker.Values);

    /// <summary>
    /// Adds a shard's compute time as its worker measured it. A worker cannot have computed in this round longer than the
    /// round has lasted: a larger claim (a broken clock, or a lie) is cut to that, so it cannot skew the step line.
    /// </summary>
    public void Compute(WorkerId worker, double milliseconds) =>
        _computeMsByWorker[worker] = Math.Min(_computeMsByWorker.GetValueOrDefault(worker) + milliseconds, ElapsedMs);

    /// <summary>
    /// The step line as of now: its time split into building the batch, the slowest worker's compute, the coordinator's
    /// reduce and broadcast, and the rest, waiting (messages in flight, workers idle at the barrier). No ETA yet.
    /// </summary>
    public TrainStepReport Report(long step, StepUpdate update, double reduceMs, double broadcastMs, int workers)
    {
        double stepMs = ElapsedMs;
        double waitingMs = Math.Max(0, stepMs - BuildMs - reduceMs - broadcastMs - SlowestComputeMs);
        return new TrainStepReport(step, update.Loss, Examples / (stepMs / 1000.0), Tokens / (stepMs / 1000.0), stepMs, SlowestComputeMs,
            MedianComputeMs, waitingMs, reduceMs, broadcastMs, workers, update.LearningRate, update.GradientNorm, Eta: null);
    }
}
