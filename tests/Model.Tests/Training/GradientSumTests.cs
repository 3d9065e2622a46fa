using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

/// <summary>The running sum in shard order: the bits of adding the shards one after the other, whatever order they come in.</summary>
public sealed class GradientSumTests
{
    private const int Shards = 5;

    public static TheoryData<int> Sizes => [1, 7, 1_000_003];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Any_arrival_order_gives_the_bits_of_the_sum_in_shard_order(int size)
    {
        var gradients = Enumerable.Range(0, Shards).Select(shard => ScalarReference.Values(size, seed: shard, smallestPower: -8, largestPower: 8)).ToArray();
        var expected = ScalarReference.SumInShardOrder(gradients);
        int[][] orders = [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 2, 3, 4, 0], [0, 4, 1, 3, 2]];
        foreach (var order in orders)
        {
            var sum = new GradientSum(Shards, size);
            foreach (int shard in order)
            {
                Assert.False(sum.IsComplete);
                sum.Add(shard, gradients[shard]);
            }
            Assert.True(sum.IsComplete);
            Assert.Equal(expected, sum.Sum.ToArray());
        }
    }

    [Fact]
    public void A_result_taken_back_after_it_was_summed_and_its_recomputation_give_the_same_bits()
    {
        const int size = 1_000_003;
        var gradients = Enumerable.Range(0, Shards).Select(shard => ScalarReference.Values(size, seed: 10 + shard, smallestPower: -8, largestPower: 8)).ToArray();
        var sum = new GradientSum(Shards, size);
        foreach (int shard in new[] { 0, 1, 2, 4 }) sum.Add(shard, gradients[shard]);
        // Shard 1 was doubted after 0..2 had been summed: its replacement has other bits, then the same bits come back.
        sum.Remove(1);
        sum.Add(1, ScalarReference.Values(size, seed: 99));
        sum.Remove(1);
        sum.Add(3, gradients[3]);
        Assert.False(sum.IsComplete);
        sum.Add(1, gradients[1]);
        Assert.Equal(ScalarReference.SumInShardOrder(gradients), sum.Sum.ToArray());
    }

    public static TheoryData<int> MeasuredSizes => [2, 7, 1024, 1025, 16_384, 16_400, 1_000_003];

    [Theory]
    [MemberData(nameof(MeasuredSizes))]
    public void The_pass_that_completes_the_sum_measures_the_mean_gradients_squared_norm_with_the_bits_of_a_pass_of_its_own(int size)
    {
        var gradients = Enumerable.Range(0, Shards).Select(shard => ScalarReference.Values(size, seed: 20 + shard, smallestPower: -8, largestPower: 8)).ToArray();
        const float items = 48;
        int[][] orders = [[0, 1, 2, 3, 4], [1, 2, 3, 4, 0], [2, 0, 4, 1, 3]];
        foreach (var order in orders)
        {
            var sum = new GradientSum(Shards, size, items);
            foreach (int shard in order) sum.Add(shard, gradients[shard]);

            var expected = SumOfSquares.OfQuotients(sum.Sum, items);
            Assert.Equal(new MeasuredSquares(items, expected), sum.Measured);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(sum.Measured!.Value.SumOfSquares));
        }
    }

    [Fact]
    public void A_result_taken_back_clears_the_measured_norm_until_the_sum_is_complete_again()
    {
        const int size = 40_000;
        var gradients = Enumerable.Range(0, Shards).Select(shard => ScalarReference.Values(size, seed: 30 + shard, smallestPower: -8, largestPower: 8)).ToArray();
        var sum = new GradientSum(Shards, size, 10);
        for (int shard = 0; shard < Shards; shard++) sum.Add(shard, gradients[shard]);
        sum.Remove(2);
        Assert.Null(sum.Measured);

        sum.Add(2, ScalarReference.Values(size, seed: 99));

        Assert.Equal(SumOfSquares.OfQuotients(sum.Sum, 10), sum.Measured!.Value.SumOfSquares);
        var single = new GradientSum(1, size, 10);
        single.Add(0, gradients[0]);
        Assert.Null(single.Measured); // its own sum: no pass measured it
    }

    [Fact]
    public void One_shard_is_its_own_sum_and_not_copied()
    {
        var gradient = ScalarReference.Values(7, seed: 1);
        var sum = new GradientSum(1, 7);
        sum.Add(0, gradient);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(sum.Sum, out var segment));
        Assert.Same(gradient, segment.Array);
    }

    [Fact]
    public void The_static_sum_in_shard_order_has_the_bits_of_the_simple_loop()
    {
        var gradients = Enumerable.Range(0, Shards).Select(shard => ScalarReference.Values(1_000_003, seed: 20 + shard, smallestPower: -8, largestPower: 8)).ToArray();
        var summed = ShardResults.Sum(gradients.Select((g, shard) => new ShardResult(g, shard, 1)).ToList());
        Assert.Equal(ScalarReference.SumInShardOrder(gradients), summed.Gradient);
        Assert.Equal(10.0, summed.LossSum);
        Assert.Equal(Shards, summed.Count);
    }

    [Fact]
    public void Misuse_is_refused_with_what_is_wrong()
    {
        var sum = new GradientSum(2, 3);
        Assert.Contains("shard 0 gradient has 2 values, the sum has 3", Assert.Throws<ArgumentException>(() => sum.Add(0, new float[2])).Message);
        Assert.Contains("shard 2 is not one of the sum's 2", Assert.Throws<ArgumentOutOfRangeException>(() => sum.Add(2, new float[3])).Message);
        Assert.Contains("shard -1 is not one of the sum's 2", Assert.Throws<ArgumentOutOfRangeException>(() => sum.Remove(-1)).Message);
        sum.Add(1, new float[3]);
        Assert.Contains("shard 1 is in the sum already", Assert.Throws<InvalidOperationException>(() => sum.Add(1, new float[3])).Message);
        Assert.Contains("0 of 2 shards in order", Assert.Throws<InvalidOperationException>(() => sum.Sum).Message);
        sum.Add(0, new float[3]);
        sum.Release();
        Assert.Contains("was released", Assert.Throws<InvalidOperationException>(() => sum.Sum).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientSum(0, 3));
    }
}
