using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Tests.Network;

/// <summary>Causality, padding and sharding: the properties that make variable lengths and data parallelism exact.</summary>
public sealed class SequenceTests
{
    public SequenceTests() => Torch.Init();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Outputs_up_to_t_do_not_depend_on_inputs_after_t(bool attention)
    {
        var config = TinyModels.DenseRegression with { Attention = attention };
        const int steps = 6, cut = 3;
        var batch = TestBatches.For(config, [steps, steps], steps, seed: 3);
        var changed = batch.Features!.ToArray();
        for (int b = 0; b < 2; b++)
        for (int t = cut + 1; t < steps; t++)
        for (int d = 0; d < config.InputWidth; d++)
            changed[(b * steps + t) * config.InputWidth + d] += 0.5f;
        var later = new Batch(2, steps, config.InputWidth, config.OutputWidth, batch.Lengths, changed, regressionTargets: batch.RegressionTargets);

        using var engine = new AutogradEngine(config, ScalarType.Float64);
        engine.SetWeights(ModelInitializer.Initialize(config, 4));
        var before = engine.Forward(batch);
        var after = engine.Forward(later);
        int o = config.OutputWidth;
        for (int b = 0; b < 2; b++)
        for (int t = 0; t < steps; t++)
        {
            var first = before.AsSpan((b * steps + t) * o, o).ToArray();
            var second = after.AsSpan((b * steps + t) * o, o).ToArray();
            if (t <= cut) Assert.Equal(first, second);
            else Assert.NotEqual(first, second);
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void A_padded_sequence_gives_the_loss_and_gradient_of_the_same_sequence_unpadded(string model)
    {
        var config = TinyModels.All[model];
        // Padded features are NaN: if anything of them leaked into a loss or gradient, it would show.
        var padded = TestBatches.For(config, [3], steps: 6, seed: 8, padding: float.NaN);
        var unpadded = Truncate(padded, 3);
        using var engine = new AutogradEngine(config, ScalarType.Float64);
        engine.SetWeights(ModelInitializer.Initialize(config, 9));
        var withPadding = engine.ComputeGradient(padded);
        var withoutPadding = engine.ComputeGradient(unpadded);
        Assert.Equal(withoutPadding.Count, withPadding.Count);
        Assert.Equal(withoutPadding.LossSum, withPadding.LossSum, 1e-12);
        AssertClose(withoutPadding.Gradient, withPadding.Gradient, 1e-7);
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Summed_shard_gradients_over_the_count_equal_the_mean_loss_gradient_of_the_whole_batch(string model)
    {
        var config = TinyModels.All[model];
        var batch = TestBatches.For(config, [5, 2, 4, 5, 1, 3], steps: 5, seed: 21);
        using var engine = new AutogradEngine(config, ScalarType.Float64);
        engine.SetWeights(ModelInitializer.Initialize(config, 22));
        var whole = engine.ComputeGradient(batch);

        var shards = new[] { batch.Slice(0, 1), batch.Slice(1, 3), batch.Slice(4, 2) }.Select(engine.ComputeGradient).ToList();
        long count = shards.Sum(s => s.Count);
        double lossSum = shards.Sum(s => s.LossSum);
        var summed = new double[whole.Gradient.Length];
        foreach (var shard in shards)
            for (int i = 0; i < summed.Length; i++) summed[i] += shard.Gradient[i];

        Assert.Equal(batch.LossItems, count);
        Assert.Equal(whole.LossSum / whole.Count, lossSum / count, 1e-12);
        AssertClose(whole.Gradient.Select(g => (double)g / whole.Count).ToArray(), summed.Select(g => g / count).ToArray(), 1e-7);
    }

    [Fact]
    public void The_loss_item_count_is_sequences_for_last_step_targets_and_real_positions_for_next_token()
    {
        using var regression = new AutogradEngine(TinyModels.DenseRegression);
        using var tokens = new AutogradEngine(TinyModels.TokensNext);
        regression.SetWeights(ModelInitializer.Initialize(TinyModels.DenseRegression, 1));
        tokens.SetWeights(ModelInitializer.Initialize(TinyModels.TokensNext, 1));
        Assert.Equal(3, regression.Evaluate(TestBatches.For(TinyModels.DenseRegression, [4, 2, 3], 4, 1)).Count);
        Assert.Equal(9, tokens.Evaluate(TestBatches.For(TinyModels.TokensNext, [4, 2, 3], 4, 1)).Count);
    }

    private static Batch Truncate(Batch batch, int steps)
    {
        int width = Math.Max(batch.Width, 1);
        return new Batch(batch.Count, steps, batch.Width, batch.OutputWidth, [steps],
            batch.Features?[..(steps * width)], batch.Tokens?[..steps],
            batch.RegressionTargets, batch.ClassTargets, batch.TokenTargets?[..steps]);
    }

    private static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double tolerance) =>
        AssertClose(expected.Select(e => (double)e).ToArray(), actual.Select(a => (double)a).ToArray(), tolerance);

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
