namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Recent shard round-trip times (assignment to result) and step times: the yardstick for "much slower than
/// usual" (stragglers) and for the ETA.
/// </summary>
public sealed class ShardTimings
{
    private const int Window = 64;
    private readonly Queue<double> _shardMs = new();
    private readonly Queue<double> _stepMs = new();

    public void Add(double milliseconds) => Push(_shardMs, milliseconds);

    public void AddStep(double milliseconds) => Push(_stepMs, milliseconds);

    /// <summary>The median of recent shard times; null until a few have been seen.</summary>
    public double? MedianMs => _shardMs.Count < 4 ? null : Median(_shardMs);

    public double? MeanStepMs => _stepMs.Count == 0 ? null : _stepMs.Average();

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static void Push(Queue<double> queue, double value)
    {
        queue.Enqueue(value);
        if (queue.Count > Window) queue.Dequeue();
    }
}
