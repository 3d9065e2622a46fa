using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;
using TorchSharp;

namespace AttnRnnCluster.Model.Tests.Network;

public sealed class EngineTests
{
    public EngineTests() => Torch.Init();

    [Fact]
    public void The_same_seed_gives_the_same_initial_bits_and_another_seed_does_not()
    {
        var config = TinyModels.TokensNext;
        Assert.Equal(ModelInitializer.Initialize(config, 7), ModelInitializer.Initialize(config, 7));
        Assert.NotEqual(ModelInitializer.Initialize(config, 7), ModelInitializer.Initialize(config, 8));
    }

    [Fact]
    public void Initial_weights_follow_the_spec_distributions_and_do_not_depend_on_attention_being_on()
    {
        var config = new ModelConfig(InputKind.Tokens, 16, 64, 10, Attention: true, TargetKind.NextToken, VocabSize: 10);
        var layout = ParameterLayout.For(config);
        var weights = ModelInitializer.Initialize(config, 3);
        float[] Of(string name) => weights.AsSpan(layout[name].Offset, layout[name].Size).ToArray();
        Assert.InRange(Of("cell.w_hh").Max(Math.Abs), 0.9f / 8, 1f / 8);
        Assert.InRange(Of("attention.w_v").Max(Math.Abs), 0.9f / 4, 1f / 4);
        var embedding = Of("embedding.weight");
        Assert.InRange(embedding.Average(), -0.2, 0.2);
        Assert.InRange(Math.Sqrt(embedding.Average(e => e * e)), 0.85, 1.15);

        var plain = config with { Attention = false };
        var plainLayout = ParameterLayout.For(plain);
        var plainWeights = ModelInitializer.Initialize(plain, 3);
        Assert.Equal(Of("head.weight"), plainWeights.AsSpan(plainLayout["head.weight"].Offset, plainLayout["head.weight"].Size).ToArray());
    }

    [Fact]
    public void A_gradient_depends_only_on_weights_and_shard_bit_for_bit()
    {
        var config = TinyModels.TokensNext;
        var weights = ModelInitializer.Initialize(config, 1);
        var batch = TestBatches.For(config, [4, 3], 4, seed: 2);
        var other = TestBatches.For(config, [2, 4], 4, seed: 3);
        using var first = new AutogradEngine(config);
        using var second = new AutogradEngine(config);
        first.SetWeights(weights);
        second.SetWeights(weights);
        var expected = first.ComputeGradient(batch);
        first.ComputeGradient(other);
        first.Evaluate(other);
        var again = first.ComputeGradient(batch);
        var elsewhere = second.ComputeGradient(batch);
        Assert.Equal(expected.Gradient, again.Gradient);
        Assert.Equal(expected.LossSum, again.LossSum);
        Assert.Equal(expected.Gradient, elsewhere.Gradient);
        Assert.Equal(expected.LossSum, first.Evaluate(batch).LossSum, 1e-5);
    }

    [Fact]
    public void Repeated_steps_leave_no_live_tensors_behind()
    {
        var config = TinyModels.DenseRegression;
        var batch = TestBatches.For(config, [4, 3], 4, seed: 2);
        using var engine = new AutogradEngine(config);
        engine.SetWeights(ModelInitializer.Initialize(config, 1));
        engine.ComputeGradient(batch);
        // Counted on this thread: other test classes create tensors in parallel.
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 200; i++)
        {
            engine.SetWeights(ModelInitializer.Initialize(config, (ulong)i));
            engine.ComputeGradient(batch);
            engine.Evaluate(batch);
            engine.Forward(batch);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public static TheoryData<string, string> MismatchedBatches => new()
    {
        { "tokens-for-dense", "the model takes dense features but the batch has tokens" },
        { "width", "feature width 3 does not match the model's InputWidth 2" },
        { "targets", "the model is trained for regression but the batch has no regression targets" },
        { "token-range", "token id 5 at sequence 0, step 1 is outside 0..4" },
        { "class-range", "class index 3 at sequence 1 is outside 0..2" },
        { "next-token-range", "next-token target -1 at sequence 0, step 2 is outside 0..4" },
    };

    [Theory]
    [MemberData(nameof(MismatchedBatches))]
    public void A_batch_that_does_not_fit_the_model_is_refused_saying_why(string fault, string expected)
    {
        var (config, batch) = fault switch
        {
            "tokens-for-dense" => (TinyModels.DenseRegression, TestBatches.For(TinyModels.TokensNext, [3], 3, 1)),
            "width" => (TinyModels.DenseRegression, TestBatches.For(TinyModels.DenseRegression with { InputWidth = 3 }, [3], 3, 1)),
            "targets" => (TinyModels.DenseRegression, TestBatches.For(TinyModels.DenseClassification with { InputWidth = 2 }, [3], 3, 1)),
            "token-range" => (TinyModels.TokensNext, WithTokens(TestBatches.For(TinyModels.TokensNext, [3], 3, 1), tokens: [0, 5, 1])),
            "class-range" => (TinyModels.DenseClassification, WithClasses(TestBatches.For(TinyModels.DenseClassification, [3, 3], 3, 1), [0, 3])),
            _ => (TinyModels.TokensNext, WithTokens(TestBatches.For(TinyModels.TokensNext, [3], 3, 1), targets: [0, 1, -1])),
        };
        using var engine = new AutogradEngine(config);
        engine.SetWeights(ModelInitializer.Initialize(config, 1));
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => engine.ComputeGradient(batch)).Message);
    }

    [Fact]
    public void An_engine_without_weights_refuses_to_compute()
    {
        using var engine = new AutogradEngine(TinyModels.DenseRegression);
        var batch = TestBatches.For(TinyModels.DenseRegression, [2], 2, 1);
        Assert.Contains("call SetWeights first", Assert.Throws<InvalidOperationException>(() => engine.Evaluate(batch)).Message);
    }

    [Fact]
    public void Weights_of_the_wrong_size_are_refused()
    {
        using var engine = new AutogradEngine(TinyModels.DenseRegression);
        Assert.Contains($"expected {engine.Layout.TotalSize} values", Assert.Throws<ArgumentException>(() => engine.SetWeights(new float[3])).Message);
    }

    private static Batch WithTokens(Batch b, long[]? tokens = null, long[]? targets = null) =>
        new(b.Count, b.Steps, 0, 1, b.Lengths, tokens: tokens ?? b.Tokens, tokenTargets: targets ?? b.TokenTargets);

    private static Batch WithClasses(Batch b, long[] classes) =>
        new(b.Count, b.Steps, b.Width, 1, b.Lengths, b.Features, classTargets: classes);
}
