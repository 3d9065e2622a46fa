using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

/// <summary>
/// A step drafted range by range (as the chain's coordinator does while the sum comes in) and taken has the bits of the
/// same step taken whole; a draft not taken changes nothing, and the next step (or draft) reads the state as it was.
/// </summary>
public sealed class OptimizerDraftTests
{
    private const int Size = 70_003;

    public static TheoryData<string> Optimizers => ["adam", "adamw", "sgd"];

    private static IOptimizer Make(string kind) => kind switch
    {
        "adam" => new AdamOptimizer(Size),
        "adamw" => new AdamOptimizer(Size, weightDecay: 0.1),
        _ => new SgdOptimizer(Size, momentum: 0.9),
    };

    /// <summary>Ranges of uneven lengths, drafted out of order, as segments may come.</summary>
    private static readonly (int Start, int Length)[] Ranges = [(40_000, 30_003), (0, 17), (17, 16_384), (16_401, 23_599)];

    private static float[] Draft(IOptimizer optimizer, float[] weights, float[] gradient, double rate, float divisor)
    {
        var drafted = new float[weights.Length];
        optimizer.BeginDraft(rate, divisor);
        foreach (var (start, length) in Ranges)
            optimizer.Draft(start, weights.AsSpan(start, length), gradient.AsSpan(start, length), drafted.AsSpan(start, length));
        return drafted;
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_draft_taken_has_the_bits_of_the_whole_step_and_the_steps_after_it_too(string kind)
    {
        var whole = Make(kind);
        var drafted = Make(kind);
        var weights = ScalarReference.Values(Size, seed: 1, smallestPower: -3, largestPower: 0);
        var expected = weights.ToArray();
        for (int step = 0; step < 4; step++)
        {
            var gradient = ScalarReference.Values(Size, seed: 10 + step);
            double rate = 1e-3 * (step + 1);
            whole.Step(expected, gradient, rate, gradientDivisor: 64);
            if (step % 2 == 0)
            {
                weights = Draft(drafted, weights, gradient, rate, 64);
                drafted.TakeDraft();
            }
            else drafted.Step(weights, gradient, rate, gradientDivisor: 64);
            Assert.Equal(expected, weights);
            Assert.Equal(whole.StepCount, drafted.StepCount);
        }
        var a = whole.Export();
        var b = drafted.Export();
        Assert.Equal(a.Step, b.Step);
        foreach (var (name, values) in a.Buffers) Assert.Equal(values, b.Buffers[name]);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_draft_not_taken_changes_nothing_and_the_clipped_step_after_it_is_exact(string kind)
    {
        var plain = Make(kind);
        var drafting = Make(kind);
        var weights = ScalarReference.Values(Size, seed: 2, smallestPower: -3, largestPower: 0);
        var first = ScalarReference.Values(Size, seed: 20);
        var expected = weights.ToArray();
        plain.Step(expected, first, 1e-3);
        drafting.Step(weights, first, 1e-3);

        // The sum turned out to need clipping: the draft is dropped, and the step is taken whole with its scale.
        var gradient = ScalarReference.Values(Size, seed: 21);
        var before = weights.ToArray();
        Draft(drafting, weights, gradient, 2e-3, 16);
        Assert.Equal(before, weights);
        Assert.Equal(1, drafting.StepCount);
        plain.Step(expected, gradient, 2e-3, gradientDivisor: 16, gradientScale: 0.25);
        drafting.Step(weights, gradient, 2e-3, gradientDivisor: 16, gradientScale: 0.25);
        Assert.Equal(expected, weights);
        Assert.Throws<InvalidOperationException>(drafting.TakeDraft);

        // A draft begun again after an unfinished one starts from the state, not from the first draft's moments.
        Draft(drafting, weights, gradient, 3e-3, 16);
        var again = Draft(drafting, weights, gradient, 3e-3, 16);
        drafting.TakeDraft();
        plain.Step(expected, gradient, 3e-3, gradientDivisor: 16);
        Assert.Equal(expected, again);
        foreach (var (name, values) in plain.Export().Buffers) Assert.Equal(values, drafting.Export().Buffers[name]);
    }

    [Fact]
    public void A_range_outside_the_weights_is_refused()
    {
        var adam = new AdamOptimizer(10);
        adam.BeginDraft(1e-3, 1);
        var values = new float[4];
        Assert.Throws<ArgumentException>(() => adam.Draft(8, values, values, values));
        Assert.Throws<ArgumentException>(() => adam.Draft(-1, values, values, values));
        Assert.Throws<ArgumentException>(() => adam.Draft(0, values, values.AsSpan(0, 3), values));
    }
}
