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
        foreach (var shard in shards.Skip(1))
        {
            if (shard.Gradient.Length != gradient.Length)
                throw new ArgumentException($"shard gradients differ in size: {gradient.Length} and {shard.Gradient.Length}");
            for (int i = 0; i < gradient.Length; i++) gradient[i] += shard.Gradient[i];
            lossSum += shard.LossSum;
            count += shard.Count;
        }
        return new ShardResult(gradient, lossSum, count);
    }
}
