using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Network.Batched;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Tests.Network.Fast;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Network.Batched;

/// <summary>Thread-count invariance, determinism, padding, agreement of its three calls, and refusals of the batched engine.</summary>
public sealed class BatchedEngineTests
{
    public BatchedEngineTests() => Torch.Init();

    public static TheoryData<string> Models => new(BatchedAgreementTests.All.Keys);

    [Theory]
    [MemberData(nameof(Models))]
    public void The_result_is_the_same_bits_on_one_two_or_three_threads(string model)
    {
        var config = Config(model);
        // Seven groups of two sequences (the last one short), lengths mixed within and across groups.
        var batch = TestBatches.For(config, [5, 2, 7, 7, 1, 3, 6, 4, 2, 7, 5, 5, 3], steps: 7, seed: 41, padding: float.NaN);
        var weights = ModelInitializer.Initialize(config, 3);
        var results = new[] { 1, 2, 3 }.Select(threads =>
        {
            using var engine = new BatchedEngine<float>(config, threads, groupSize: 2);
            engine.SetWeights(weights);
            return (Gradient: engine.ComputeGradient(batch), Evaluated: engine.Evaluate(batch), Outputs: engine.Forward(batch));
        }).ToList();
        foreach (var other in results.Skip(1))
        {
            Assert.Equal(results[0].Gradient.Gradient, other.Gradient.Gradient);
            Assert.Equal(results[0].Gradient.LossSum, other.Gradient.LossSum);
            Assert.Equal(results[0].Evaluated.LossSum, other.Evaluated.LossSum);
            Assert.Equal(results[0].Outputs, other.Outputs);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_result_depends_only_on_weights_and_shard_bit_for_bit(string model)
    {
        var config = Config(model);
        var weights = ModelInitializer.Initialize(config, 1);
        var batch = TestBatches.For(config, [4, 3, 1], 4, seed: 2);
        var longer = TestBatches.For(config, [9, 2, 5, 6, 1], 9, seed: 3);
        using var first = new BatchedEngine<float>(config, groupSize: 2);
        using var second = new BatchedEngine<float>(config, groupSize: 2);
        first.SetWeights(weights);
        second.SetWeights(weights);
        var expected = first.ComputeGradient(batch);
        // Other shapes in between: a longer and larger batch regrows the buffers, and every buffer is dirtied.
        first.ComputeGradient(longer);
        first.Forward(longer);
        first.Evaluate(longer);
        var again = first.ComputeGradient(batch);
        var elsewhere = second.ComputeGradient(batch);
        Assert.Equal(expected.Gradient, again.Gradient);
        Assert.Equal(expected.LossSum, again.LossSum);
        Assert.Equal(expected.Gradient, elsewhere.Gradient);
        Assert.Equal(expected.LossSum, elsewhere.LossSum);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_sequences_gradient_does_not_depend_on_the_padding_it_shares_a_group_with(string model)
    {
        // In float64: the shard's gradient is the sum of its sequences' gradients, each computed alone and unpadded,
        // though in the shard the short sequence runs through the long one's steps on NaN-padded inputs.
        var config = Config(model);
        var batch = TestBatches.For(config, [3, 8], steps: 10, seed: 5, padding: float.NaN);
        var weights = ModelInitializer.Initialize(config, 6).Select(w => 2.0 * w).ToArray();
        using var engine = new BatchedEngine<double>(config);
        engine.SetWeights(weights);
        var together = engine.ComputeGradient(batch);
        var alone = new[] { Unpadded(batch, 0), Unpadded(batch, 1) }.Select(engine.ComputeGradient).ToList();
        var summed = ShardResults.Sum(alone);
        Assert.Equal(summed.Count, together.Count);
        Assert.Equal(summed.LossSum, together.LossSum, 1e-12 * Math.Max(1, Math.Abs(summed.LossSum)));
        FastAssert.Close(summed.Gradient, together.Gradient, 2e-7, $"{model} gradient");
        Assert.Contains(together.Gradient, g => Math.Abs(g) > 1e-3);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Evaluate_and_Forward_give_the_loss_ComputeGradient_reports(string model)
    {
        var config = Config(model);
        var batch = TestBatches.For(config, [6, 2, 5], steps: 6, seed: 12, padding: float.NaN);
        using var engine = new BatchedEngine<float>(config, groupSize: 2);
        engine.SetWeights(ModelInitializer.Initialize(config, 13));
        var gradient = engine.ComputeGradient(batch);
        var (lossSum, count) = engine.Evaluate(batch);
        Assert.Equal(gradient.LossSum, lossSum);
        Assert.Equal(gradient.Count, count);
        // The outputs Forward returns, scored by the reference's loss, give the same sum to float32 accuracy.
        var outputs = engine.Forward(batch);
        using var tensors = BatchTensors.From(batch, config, TorchSharp.torch.ScalarType.Float32);
        using var y = TorchSharp.torch.tensor(outputs).reshape(batch.Count, batch.Steps, config.OutputWidth);
        using var loss = Losses.Sum(y, tensors, config);
        Assert.Equal(gradient.LossSum, loss.item<float>(), 1e-4 * Math.Max(1, Math.Abs(gradient.LossSum)));
    }

    [Fact]
    public void A_thread_count_outside_1_to_256_and_an_engine_without_weights_are_refused()
    {
        var config = TinyModels.TokensNext;
        Assert.Contains("threads must be in 1..256 (got 0)", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchedEngine<float>(config, threads: 0)).Message);
        Assert.Contains("threads must be in 1..256 (got 257)", Assert.Throws<ArgumentOutOfRangeException>(() => GradientEngines.Create(config, threads: 257)).Message);
        using var engine = new BatchedEngine<float>(config);
        var batch = TestBatches.For(config, [2], 2, 1);
        Assert.Contains("call SetWeights first", Assert.Throws<InvalidOperationException>(() => engine.ComputeGradient(batch)).Message);
        Assert.Contains($"expected {engine.Layout.TotalSize} values", Assert.Throws<ArgumentException>(() => engine.SetWeights(new float[3])).Message);
        engine.SetWeights(ModelInitializer.Initialize(config, 1));
        var wrong = new Batch(1, 3, 0, 1, [3], tokens: [0, 7, 1], tokenTargets: [0, 1, 2]);
        Assert.Contains("token id 7 at sequence 0, step 1", Assert.Throws<ArgumentException>(() => engine.ComputeGradient(wrong)).Message);
    }

    [Fact]
    public void The_executables_get_the_batched_engine_from_the_crossover_width_up_and_the_fast_engine_below()
    {
        var small = FastAgreementTests.Wide["tokens-odd-widths"] with { Hidden = GradientEngines.BatchedFromHidden - 1 };
        using (var engine = GradientEngines.Create(small, threads: 2)) Assert.IsType<FastEngine<float>>(engine);
        using (var engine = GradientEngines.Create(small with { Hidden = GradientEngines.BatchedFromHidden }, threads: 2))
            Assert.Equal(2, Assert.IsType<BatchedEngine<float>>(engine).Threads);
    }

    private static ModelConfig Config(string model) => BatchedAgreementTests.All[model];

    /// <summary>Sequence <paramref name="b"/> alone, cut to its real length.</summary>
    private static Batch Unpadded(Batch batch, int b)
    {
        var one = batch.Slice(b, 1);
        int length = one.Lengths[0], width = one.Width;
        return new Batch(1, length, width, one.OutputWidth, [length], one.Features?[..(length * width)], one.Tokens?[..length],
            one.RegressionTargets, one.ClassTargets, one.TokenTargets?[..length]);
    }
}
