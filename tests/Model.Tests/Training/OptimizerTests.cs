using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

public sealed class OptimizerTests
{
    [Fact]
    public void Adam_takes_the_bias_corrected_steps_computed_by_hand()
    {
        var adam = new AdamOptimizer(2);
        float[] weights = [1f, -2f];
        float[] g1 = [0.5f, -0.25f], g2 = [-1f, 0.75f];
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;

        adam.Step(weights, g1, lr);
        // After one step the corrected moments are g and g^2, so each weight moves by lr * sign(g).
        Assert.Equal(1 - 0.01, weights[0], 1e-6);
        Assert.Equal(-2 + 0.01, weights[1], 1e-6);

        adam.Step(weights, g2, lr);
        for (int i = 0; i < 2; i++)
        {
            double m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
            double v = b2 * (1 - b2) * g1[i] * g1[i] + (1 - b2) * g2[i] * g2[i];
            double expected = new[] { 1.0, -2.0 }[i] - lr * Math.Sign(g1[i])
                - lr / (1 - b1 * b1) * m / (Math.Sqrt(v) / Math.Sqrt(1 - b2 * b2) + eps);
            Assert.Equal(expected, weights[i], 1e-6);
        }
        Assert.Equal(2, adam.StepCount);
    }

    [Fact]
    public void AdamW_shrinks_every_weight_by_lr_times_the_decay_before_the_adam_step_as_pytorch_does()
    {
        const double lr = 0.01, decay = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var adamW = new AdamOptimizer(2, weightDecay: decay);
        float[] weights = [1f, -2f];
        float[] g1 = [0.5f, -0.25f], g2 = [-1f, 0.75f];

        adamW.Step(weights, g1, lr);
        double[] expected = [1 * (1 - lr * decay) - lr, -2 * (1 - lr * decay) + lr];
        Assert.Equal(expected[0], weights[0], 1e-6);
        Assert.Equal(expected[1], weights[1], 1e-6);

        adamW.Step(weights, g2, lr);
        for (int i = 0; i < 2; i++)
        {
            double m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
            double v = b2 * (1 - b2) * g1[i] * g1[i] + (1 - b2) * g2[i] * g2[i];
            double next = expected[i] * (1 - lr * decay) - lr / (1 - b1 * b1) * m / (Math.Sqrt(v) / Math.Sqrt(1 - b2 * b2) + eps);
            Assert.Equal(next, weights[i], 1e-6);
        }
    }

    [Fact]
    public void AdamW_decays_a_weight_in_a_vector_lane_and_in_the_scalar_tail_to_the_same_bits()
    {
        // 17 weights: two 8-wide vectors and one left for the scalar loop; equal inputs must give equal bits.
        var adamW = new AdamOptimizer(17, weightDecay: 0.05);
        var weights = Enumerable.Repeat(0.7f, 17).ToArray();
        var gradient = Enumerable.Repeat(-0.3f, 17).ToArray();
        for (int step = 0; step < 3; step++) adamW.Step(weights, gradient, 0.02);
        Assert.All(weights, w => Assert.Equal(weights[0], w));
        Assert.NotEqual(AdamWeightAfter(3, 0.7f, -0.3f, 0.02), weights[0]);
    }

    private static float AdamWeightAfter(int steps, float weight, float gradient, double lr)
    {
        var adam = new AdamOptimizer(1);
        float[] weights = [weight];
        for (int step = 0; step < steps; step++) adam.Step(weights, new[] { gradient }, lr);
        return weights[0];
    }

    [Fact]
    public void Sgd_starts_its_momentum_at_the_first_gradient_as_pytorch_does()
    {
        var sgd = new SgdOptimizer(1, momentum: 0.9);
        float[] weights = [1f];
        sgd.Step(weights, new[] { 2f }, 0.1);
        Assert.Equal(1 - 0.1 * 2, weights[0], 1e-6);
        sgd.Step(weights, new[] { -1f }, 0.1);
        Assert.Equal(0.8 - 0.1 * (0.9 * 2 - 1), weights[0], 1e-6);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void An_imported_state_continues_with_the_same_bits(OptimizerKind kind)
    {
        var settings = new OptimizerSettings(kind);
        var original = settings.Create(3);
        float[] weights = [0.1f, 0.2f, 0.3f];
        for (int s = 0; s < 3; s++) original.Step(weights, Gradient(s), 0.05);

        var resumed = settings.Create(3);
        resumed.Import(original.Export());
        var resumedWeights = weights.ToArray();
        for (int s = 3; s < 6; s++)
        {
            original.Step(weights, Gradient(s), 0.05);
            resumed.Step(resumedWeights, Gradient(s), 0.05);
        }
        Assert.Equal(weights, resumedWeights);
        Assert.Equal(6, resumed.StepCount);
    }

    [Fact]
    public void A_state_that_does_not_fit_is_refused_with_what_is_wrong()
    {
        var adamState = new AdamOptimizer(3).Export();
        Assert.Contains("it is for Adam, this optimizer is Sgd", Assert.Throws<ArgumentException>(() => new SgdOptimizer(3).Import(adamState)).Message);
        Assert.Contains("buffer m has 3 values, the model has 4 weights", Assert.Throws<ArgumentException>(() => new AdamOptimizer(4).Import(adamState)).Message);
        var missing = adamState with { Buffers = new Dictionary<string, float[]> { ["m"] = new float[3] } };
        Assert.Contains("needs buffers [m, v], got [m]", Assert.Throws<ArgumentException>(() => new AdamOptimizer(3).Import(missing)).Message);
    }

    private static float[] Gradient(int step) => [MathF.Sin(step), MathF.Cos(step), 0.5f - step];
}
