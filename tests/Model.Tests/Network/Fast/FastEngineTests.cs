using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Network.Fast;

/// <summary>Determinism, padding, causality, sharding and refusals of the fast engine.</summary>
public sealed class FastEngineTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void A_result_depends_only_on_weights_and_shard_bit_for_bit(string model)
    {
        var config = TinyModels.All[model];
        var weights = ModelInitializer.Initialize(config, 1);
        var batch = TestBatches.For(config, [4, 3, 1], 4, seed: 2);
        var longer = TestBatches.For(config, [9, 2], 9, seed: 3);
        using var first = new FastEngine<float>(config);
        using var second = new FastEngine<float>(config);
        first.SetWeights(weights);
        second.SetWeights(weights);
        var expected = first.ComputeGradient(batch);
        // Other shapes in between: a longer batch regrows the buffers, and every buffer is dirtied.
        first.ComputeGradient(longer);
        first.Forward(longer);
        first.Evaluate(longer);
        var again = first.ComputeGradient(batch);
        var elsewhere = second.ComputeGradient(batch);
        Assert.Equal(expected.Gradient, again.Gradient);
        Assert.Equal(expected.LossSum, again.LossSum);
        Assert.Equal(expected.Gradient, elsewhere.Gradient);
        Assert.Equal(expected.LossSum, elsewhere.LossSum);
        Assert.Equal(expected.LossSum, first.Evaluate(batch).LossSum);
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void A_padded_sequence_gives_the_bits_of_the_same_sequence_unpadded(string model)
    {
        var config = TinyModels.All[model];
        // Padded features are NaN and padded tokens 0: nothing of them may reach a loss or gradient.
        var padded = TestBatches.For(config, [3], steps: 6, seed: 8, padding: float.NaN);
        var unpadded = new Batch(1, 3, padded.Width, padded.OutputWidth, [3],
            padded.Features?[..(3 * config.InputWidth)], padded.Tokens?[..3],
            padded.RegressionTargets, padded.ClassTargets, padded.TokenTargets?[..3]);
        using var engine = new FastEngine<float>(config);
        engine.SetWeights(ModelInitializer.Initialize(config, 9));
        var withPadding = engine.ComputeGradient(padded);
        var withoutPadding = engine.ComputeGradient(unpadded);
        Assert.Equal(withoutPadding.Count, withPadding.Count);
        Assert.Equal(withoutPadding.LossSum, withPadding.LossSum);
        Assert.Equal(withoutPadding.Gradient, withPadding.Gradient);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Outputs_up_to_t_do_not_depend_on_inputs_after_t(bool attention)
    {
        var config = TinyModels.DenseRegression with { Attention = attention };
        const int steps = 6, cut = 3;
        var batch = TestBatches.For(config, [steps, steps], steps, seed: 3);
        var changed = batch.Features!.ToArray();
        for (int i = 0; i < changed.Length; i++)
            if (i / config.InputWidth % steps > cut) changed[i] += 0.5f;
        var later = new Batch(2, steps, config.InputWidth, config.OutputWidth, batch.Lengths, changed, regressionTargets: batch.RegressionTargets);

        using var engine = new FastEngine<double>(config);
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
    public void Summed_shard_gradients_over_the_count_equal_the_mean_loss_gradient_of_the_whole_batch(string model)
    {
        var config = TinyModels.All[model];
        var batch = TestBatches.For(config, [5, 2, 4, 5, 1, 3], steps: 5, seed: 21);
        using var engine = new FastEngine<double>(config);
        engine.SetWeights(ModelInitializer.Initialize(config, 22));
        var whole = engine.ComputeGradient(batch);

        var shards = new[] { batch.Slice(0, 1), batch.Slice(1, 3), batch.Slice(4, 2) }.Select(engine.ComputeGradient).ToList();
        var summed = ShardResults.Sum(shards);
        Assert.Equal(batch.LossItems, summed.Count);
        Assert.Equal(whole.LossSum / whole.Count, summed.LossSum / summed.Count, 1e-12);
        FastAssert.Close(whole.Gradient.Select(g => g / whole.Count).ToArray(), summed.Gradient.Select(g => g / summed.Count).ToArray(), 1e-7, model);
    }

    [Fact]
    public void Hidden_states_are_tanh_to_within_a_few_float_ulps_from_tiny_to_saturated()
    {
        // One unit, no recurrence, identity in and out: y_t = tanh(x_t).
        var config = new ModelConfig(InputKind.Dense, 1, 1, 1, Attention: false, TargetKind.Regression);
        var inputs = Enumerable.Range(-4000, 8001).Select(i => i / 200f)
            .Concat([1e-30f, -1e-20f, 3e-5f, 1e-3f, 0.0004f, 7.99f, 8.5f, 40f, -1000f]).ToArray();
        var batch = new Batch(1, inputs.Length, 1, 1, [inputs.Length], inputs, regressionTargets: [0f]);
        using var engine = new FastEngine<float>(config);
        engine.SetWeights([1f, 0f, 0f, 1f, 0f]);   // w_xh, w_hh, b_h, head.weight, head.bias
        var outputs = engine.Forward(batch);
        for (int i = 0; i < inputs.Length; i++)
        {
            double exact = Math.Tanh(inputs[i]);
            double ulp = Math.Max(MathF.BitIncrement((float)Math.Abs(exact)) - (float)Math.Abs(exact), float.Epsilon);
            Assert.True(Math.Abs(outputs[i] - exact) <= 5 * ulp, $"tanh({inputs[i]}) = {exact}, fast engine {outputs[i]}");
        }
    }

    public static TheoryData<string> Faults => new() { "tokens-for-dense", "width", "targets", "token-range", "class-range", "next-token-range" };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_batch_that_does_not_fit_the_model_is_refused_in_the_reference_engines_words(string fault)
    {
        Torch.Init();
        var tokens = TestBatches.For(TinyModels.TokensNext, [3], 3, 1);
        var classes = TestBatches.For(TinyModels.DenseClassification, [3, 3], 3, 1);
        var (config, batch) = fault switch
        {
            "tokens-for-dense" => (TinyModels.DenseRegression, tokens),
            "width" => (TinyModels.DenseRegression, TestBatches.For(TinyModels.DenseRegression with { InputWidth = 3 }, [3], 3, 1)),
            "targets" => (TinyModels.DenseRegression, TestBatches.For(TinyModels.DenseClassification with { InputWidth = 2 }, [3], 3, 1)),
            "token-range" => (TinyModels.TokensNext, new Batch(1, 3, 0, 1, [3], tokens: [0, 5, 1], tokenTargets: tokens.TokenTargets)),
            "class-range" => (TinyModels.DenseClassification, new Batch(2, 3, 3, 1, [3, 3], classes.Features, classTargets: [0, 3])),
            _ => (TinyModels.TokensNext, new Batch(1, 3, 0, 1, [3], tokens: tokens.Tokens, tokenTargets: [0, 1, -1])),
        };
        using var reference = new AutogradEngine(config);
        using var fast = new FastEngine<float>(config);
        reference.SetWeights(ModelInitializer.Initialize(config, 1));
        fast.SetWeights(ModelInitializer.Initialize(config, 1));
        string expected = Assert.Throws<ArgumentException>(() => reference.ComputeGradient(batch)).Message;
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => fast.ComputeGradient(batch)).Message);
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => fast.Evaluate(batch)).Message);
        Assert.Equal(expected, Assert.Throws<ArgumentException>(() => fast.Forward(batch)).Message);
    }

    [Fact]
    public void An_engine_without_weights_refuses_to_compute_and_wrong_sized_weights_are_refused()
    {
        using var engine = new FastEngine<float>(TinyModels.DenseRegression);
        var batch = TestBatches.For(TinyModels.DenseRegression, [2], 2, 1);
        Assert.Contains("call SetWeights first", Assert.Throws<InvalidOperationException>(() => engine.ComputeGradient(batch)).Message);
        Assert.Contains($"expected {engine.Layout.TotalSize} values", Assert.Throws<ArgumentException>(() => engine.SetWeights(new float[3])).Message);
    }
}
