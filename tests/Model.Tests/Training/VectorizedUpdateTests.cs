using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

/// <summary>
/// The coordinator's vectorized, fused, multi-core update against <see cref="ScalarReference"/>, bit for bit, at sizes
/// that are not a multiple of the vector width (1, 7, 23) and one of many blocks with a ragged end (1,000,003).
/// </summary>
public sealed class VectorizedUpdateTests
{
    public static TheoryData<int> Sizes => [1, 7, 23, 1_000_003];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_sum_of_squares_has_the_bits_of_its_documented_order(int size)
    {
        var values = ScalarReference.Values(size, seed: size, smallestPower: -1, largestPower: 1);
        Assert.Equal(ScalarReference.SumOfSquares(values), SumOfSquares.Of(values));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_norm_of_the_mean_gradient_has_the_bits_of_dividing_first(int size)
    {
        var sums = ScalarReference.Values(size, seed: size + 1);
        float items = 37;
        Assert.Equal(ScalarReference.SumOfSquares(sums.Select(s => s / items).ToArray()), SumOfSquares.OfQuotients(sums, items));
    }

    [Fact]
    public void The_limit_check_finds_a_value_that_is_not_finite_or_beyond_the_limit_wherever_it_is()
    {
        var values = ScalarReference.Values(1_000_003, seed: 3);
        SumOfSquares.Of(values, 1e6f, out bool within);
        Assert.True(within);
        foreach (int at in new[] { 0, 17, 500_000, 1_000_002 })
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, -2e6f })
            {
                var copy = values.ToArray();
                copy[at] = bad;
                SumOfSquares.Of(copy, 1e6f, out within);
                Assert.False(within, $"{bad} at {at}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Adam_has_the_bits_of_the_scalar_code_with_and_without_a_divisor_and_a_scale(int size)
    {
        var adam = new AdamOptimizer(size);
        var reference = new ScalarReference.Adam(size);
        var weights = ScalarReference.Values(size, seed: 5, smallestPower: -3, largestPower: 0);
        var expected = weights.ToArray();
        (float Divisor, double Scale)[] steps = [(1, 1), (64, 1), (64, 0.37), (3, 1e-3), (1, 1)];
        for (int step = 0; step < steps.Length; step++)
        {
            var (divisor, scale) = steps[step];
            var sums = ScalarReference.Values(size, seed: 100 + step);
            adam.Step(weights, sums, 0.01, divisor, scale);
            var gradient = sums.Select(s => s / divisor).Select(g => scale != 1 ? (float)(g * scale) : g).ToArray();
            reference.Step(expected, gradient, 0.01);
            Assert.Equal(expected, weights);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Sgd_divides_and_scales_with_the_bits_of_a_stored_gradient(int size)
    {
        var sgd = new SgdOptimizer(size);
        var reference = new ScalarReference.Sgd(size);
        var weights = ScalarReference.Values(size, seed: 6, smallestPower: -3, largestPower: 0);
        var expected = weights.ToArray();
        for (int step = 0; step < 3; step++)
        {
            var sums = ScalarReference.Values(size, seed: 200 + step);
            sgd.Step(weights, sums, 0.05, 16, 0.5);
            reference.Step(expected, sums.Select(s => (float)(s / 16f * 0.5)).ToArray(), 0.05);
            Assert.Equal(expected, weights);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_step_that_also_copies_the_weights_leaves_in_the_copy_the_bits_it_leaves_in_the_weights(int size)
    {
        foreach (IOptimizer optimizer in new IOptimizer[] { new AdamOptimizer(size), new SgdOptimizer(size) })
        {
            var twin = optimizer is AdamOptimizer ? (IOptimizer)new AdamOptimizer(size) : new SgdOptimizer(size);
            var weights = ScalarReference.Values(size, seed: 8, smallestPower: -3, largestPower: 0);
            var uncopied = weights.ToArray();
            var copy = new float[size];
            for (int step = 0; step < 3; step++)
            {
                var sums = ScalarReference.Values(size, seed: 400 + step);
                Array.Fill(copy, float.NaN); // a recycled buffer holds an older step's weights
                optimizer.Step(weights, sums, 0.01, 32, 0.5, copy);
                twin.Step(uncopied, sums, 0.01, 32, 0.5);
                Assert.Equal(uncopied, weights);
                Assert.Equal(weights, copy);
            }
        }
    }

    [Fact]
    public void The_update_rule_takes_a_measured_norm_only_when_it_was_measured_with_the_steps_item_count()
    {
        var rule = new UpdateRule(LearningRateSchedule.Constant(0.003), ClipNorm: 0);
        var sums = ScalarReference.Values(100, seed: 9);
        double actual = SumOfSquares.OfQuotients(sums, 48);

        var taken = rule.Apply(0, new float[100], sums, 1, 48, new AdamOptimizer(100), measured: new MeasuredSquares(48, 4));
        var ignored = rule.Apply(0, new float[100], sums, 1, 48, new AdamOptimizer(100), measured: new MeasuredSquares(47, 4));

        Assert.Equal(2, taken.GradientNorm);
        Assert.Equal(Math.Sqrt(actual), ignored.GradientNorm);
    }

    [Fact]
    public void A_copy_target_of_another_length_is_refused_before_anything_changes()
    {
        var adam = new AdamOptimizer(10);
        var weights = new float[10];

        var error = Assert.Throws<ArgumentException>(() => adam.Step(weights, new float[10], 0.01, copyTo: new float[9]));

        Assert.Contains("buffer of 9", error.Message);
        Assert.Equal(0, adam.StepCount);
    }

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(7, 1e-3)]
    [InlineData(1_000_003, 0.0)]
    [InlineData(1_000_003, 1e-3)]
    [InlineData(1_000_003, 1e6)]
    public void A_step_of_the_update_rule_has_the_bits_of_dividing_clipping_and_stepping_one_after_the_other(int size, double clip)
    {
        var rule = new UpdateRule(LearningRateSchedule.Constant(0.003), clip);
        var adam = new AdamOptimizer(size);
        var reference = new ScalarReference.Adam(size);
        var weights = ScalarReference.Values(size, seed: 7, smallestPower: -3, largestPower: 0);
        var expected = weights.ToArray();
        for (int step = 0; step < 3; step++)
        {
            var sums = ScalarReference.Values(size, seed: 300 + step);
            var report = rule.Apply(step, weights, new ShardResult(sums, 12.5, 48), adam);
            var (gradient, norm) = ScalarReference.MeanAndClip(sums, 48, clip);
            reference.Step(expected, gradient, 0.003);
            Assert.Equal(norm, report.GradientNorm);
            Assert.Equal(expected, weights);
        }
    }
}
