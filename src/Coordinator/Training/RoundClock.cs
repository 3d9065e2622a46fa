using System.Diagnostics;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The timing of one round: when it started, how long its batch took to build, and how long each worker
/// computed in it (the sum of its accepted shards), for the step line's slowest and median worker.
/// </summary>
public sealed class RoundClock(double buildMs = 0, long examples = 0, long? tokens = null)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Dictionary<string, double> _computeMsByWorker = [];

    public double BuildMs { get; } = buildMs;
    public long Examples { get; } = examples;
    public long? Tokens { get; } = tokens;
    public double ElapsedMs => _watch.Elapsed.TotalMilliseconds + BuildMs;
    public double SlowestComputeMs => _computeMsByWorker.Count == 0 ? 0 : _computeMsByWorker.Values.Max();
    public double MedianComputeMs => ShardTimings.Median(_computeMsByWorker.Values);

    public void Compute(string worker, double milliseconds) =>
        _computeMsByWorker[worker] = _computeMsByWorker.GetValueOrDefault(worker) + milliseconds;
}
