namespace AttnRnnCluster.Model.Training;

/// <summary>The step's mean-loss gradient (flat), summed loss and loss-item count.</summary>
public sealed record MeanGradient(float[] Gradient, double LossSum, long Count);

/// <summary>
/// Combining shards into the step's gradient: sums over shards taken in the order given, in double, then one
/// division by the total item count and one rounding to float32. The single-process trainer goes through
/// this too (with one shard), so both paths do the same arithmetic.
/// </summary>
public static class ShardResults
{
    public static MeanGradient Mean(IReadOnlyList<ShardResult> shardsInOrder)
    {
        if (shardsInOrder.Count == 0) throw new ArgumentException("a step needs at least one shard", nameof(shardsInOrder));
        int size = shardsInOrder[0].Gradient.Length;
        var sum = new double[size];
        double lossSum = 0;
        long count = 0;
        foreach (var shard in shardsInOrder)
        {
            if (shard.Gradient.Length != size)
                throw new ArgumentException($"shard gradients differ in size: {size} and {shard.Gradient.Length}");
            for (int i = 0; i < size; i++) sum[i] += shard.Gradient[i];
            lossSum += shard.LossSum;
            count += shard.Count;
        }
        if (count < 1) throw new ArgumentException("the shards hold no loss items to average over");
        var mean = new float[size];
        for (int i = 0; i < size; i++) mean[i] = (float)(sum[i] / count);
        return new MeanGradient(mean, lossSum, count);
    }
}
