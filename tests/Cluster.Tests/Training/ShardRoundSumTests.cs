using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The round sums its kept gradients in shard order as they come in: whatever the arrival order, and after a result was
/// taken back and computed again, the sum has the bits of adding the shards one after the other.
/// </summary>
public sealed class ShardRoundSumTests
{
    private const int Shards = 4;
    private const int Length = 100_003;
    private static readonly SequenceBatch Shard = new(1, 1, 1, 1, [1], [0f], null, [0f], null, null);

    private static readonly float[][] Gradients = Enumerable.Range(0, Shards).Select(shard =>
    {
        var random = new Random(shard);
        return Enumerable.Range(0, Length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9)))).ToArray();
    }).ToArray();

    private static ShardRound Round() =>
        new(version: 0, WorkKind.Train, Enumerable.Repeat(Shard, Shards).ToList(), Enumerable.Repeat(1L, Shards).ToList(), Length);

    private static ShardCompleted Result(int shard) => new(0, WorkKind.Train, shard, Gradients[shard], 1, 1, 1);

    /// <summary>((g0 + g1) + g2) + g3, one value at a time.</summary>
    private static float[] InShardOrder()
    {
        var sum = Gradients[0].ToArray();
        foreach (var gradient in Gradients.Skip(1))
            for (int i = 0; i < Length; i++) sum[i] += gradient[i];
        return sum;
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 })]
    [InlineData(new[] { 3, 2, 1, 0 })]
    [InlineData(new[] { 1, 3, 0, 2 })]
    [InlineData(new[] { 2, 0, 3, 1 })]
    public void The_sum_has_the_bits_of_shard_order_whatever_the_arrival_order(int[] arrival)
    {
        var round = Round();
        foreach (int shard in arrival) Assert.Equal(ResultVerdict.Accepted, round.Offer(new WorkerId(shard), Result(shard), out _));
        Assert.Equal(InShardOrder(), round.SummedGradient().ToArray());
    }

    [Fact]
    public void A_result_taken_back_and_computed_again_leaves_the_same_sum()
    {
        var round = Round();
        foreach (int shard in new[] { 0, 1, 2, 3 }) round.Offer(new WorkerId(1), Result(shard), out _);
        round.Doubt(1);
        Assert.Throws<InvalidOperationException>(() => round.SummedGradient());
        Assert.Equal(ResultVerdict.Accepted, round.Offer(new WorkerId(2), Result(1), out _));
        Assert.Equal(InShardOrder(), round.SummedGradient().ToArray());
    }

    [Fact]
    public void An_evaluation_round_has_no_gradient_sum()
    {
        var round = new ShardRound(0, WorkKind.Evaluate, [Shard], [1L], gradientLength: 0);
        round.Offer(new WorkerId(1), new ShardCompleted(0, WorkKind.Evaluate, 0, null, 1, 1, 1), out _);
        Assert.True(round.IsComplete);
        Assert.Contains("has no complete gradient sum", Assert.Throws<InvalidOperationException>(() => round.SummedGradient()).Message);
    }
}
