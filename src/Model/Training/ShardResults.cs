namespace AttnRnnCluster.Model.Training;

/// <summary>Combining shards: the step's gradient, loss and count are sums over shards taken in a fixed order.</summary>
public static class ShardResults
{
    /// <summary>The element-wise sum, in the order given (float addition is not associative: keep the order fixed).</summary>
    public static ShardResult Sum(IReadOnlyList<ShardResult> shards)
    {
        if (shards.Count == 0) throw new ArgumentException("a step needs at least one shard", nameof(shards));
        var gradient = shards[0].Gradient.ToArray();
        double lossSum = shards[0].LossSum;
        long count = shards[0].Count;
        for (int shard = 1; shard < shards.Count; shard++)
        {
            if (shards[shard].Gradient.Length != shards[0].Gradient.Length)
                throw new ArgumentException($"shard gradients differ in size: {shards[0].Gradient.Length} and {shards[shard].Gradient.Length}");
            GradientSum.Add(gradient, shards[shard].Gradient, gradient);
            lossSum += shards[shard].LossSum;
            count += shards[shard].Count;
        }
        return new ShardResult(gradient, lossSum, count);
    }
}
