using AttnRnnCluster.Benchmarks.Figures;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.SyntheticWorker;

namespace AttnRnnCluster.Bench.Tests.SyntheticWorker;

public sealed class SyntheticEngineTests
{
    [Fact]
    public void A_shard_gives_a_finite_gradient_of_the_models_full_length_and_the_loss_of_its_items()
    {
        var config = AddingModel.Config(hidden: 40);
        using var engine = new SyntheticEngine(config, TimeSpan.Zero);

        var result = engine.ComputeGradient(AddingShard(sequences: 4));

        Assert.Equal(ParameterLayout.For(config).TotalSize, result.Gradient.Length);
        Assert.All(result.Gradient, value => Assert.Equal(4 * SyntheticEngine.GradientPerItem, value));
        Assert.Equal(4, result.Count);
        Assert.Equal(4 * SyntheticEngine.LossPerItem, result.LossSum, 12);
    }

    [Fact]
    public void Evaluation_gives_the_fixed_loss_of_its_items()
    {
        using var engine = new SyntheticEngine(AddingModel.Config(hidden: 8), TimeSpan.FromHours(1));

        var (lossSum, count) = engine.Evaluate(AddingShard(sequences: 64));

        Assert.Equal(64, count);
        Assert.Equal(64 * SyntheticEngine.LossPerItem, lossSum, 12);
    }

    [Fact]
    public void Weights_of_another_model_are_refused_as_a_real_engine_refuses_them()
    {
        using var engine = new SyntheticEngine(AddingModel.Config(hidden: 8), TimeSpan.Zero);

        Assert.Throws<ArgumentException>(() => engine.SetWeights(new float[3]));
        engine.SetWeights(new float[engine.Layout.TotalSize]);
    }

    private static Batch AddingShard(int sequences)
    {
        const int Steps = 5;
        return new Batch(sequences, Steps, width: 2, outputWidth: 1, lengths: Enumerable.Repeat(Steps, sequences).ToArray(),
            features: new float[sequences * Steps * 2], regressionTargets: new float[sequences]);
    }
}
