using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

public sealed class TrainerTests
{
    private static readonly ModelConfig Config = TinyModels.DenseRegression;
    private static readonly UpdateRule Rule = new(LearningRateSchedule.Constant(0.02), ClipNorm: 1.0);

    public TrainerTests() => Torch.Init();

    [Fact]
    public void Training_lowers_the_loss_and_the_same_seed_gives_the_same_bits()
    {
        var (firstWeights, firstLosses) = Train(steps: 60);
        var (secondWeights, secondLosses) = Train(steps: 60);
        Assert.Equal(firstWeights, secondWeights);
        Assert.Equal(firstLosses, secondLosses);
        Assert.True(firstLosses.TakeLast(10).Average() < 0.5 * firstLosses.Take(10).Average(),
            $"loss went from {firstLosses.Take(10).Average()} to {firstLosses.TakeLast(10).Average()}");
    }

    [Fact]
    public void A_step_is_the_engine_gradient_averaged_clipped_and_applied_by_the_optimizer()
    {
        var batch = Batch(0);
        var initial = ModelInitializer.Initialize(Config, 3);
        using var engine = new AutogradEngine(Config);
        var trainer = new PlainTrainer(engine, new OptimizerSettings().Create(initial.Length), Rule, initial);
        var report = trainer.Step(batch);

        engine.SetWeights(initial);
        var result = engine.ComputeGradient(batch);
        var averaged = result.Gradient.Select(g => g / result.Count).ToArray();
        double norm = GradientClipping.ClipByGlobalNorm(averaged, 1.0);
        var expected = initial.ToArray();
        new AdamOptimizer(initial.Length).Step(expected, averaged, 0.02);

        Assert.Equal(expected, trainer.Weights.ToArray());
        Assert.Equal(norm, report.GradientNorm);
        Assert.Equal(result.LossSum, report.LossSum);
        Assert.Equal(1, trainer.NextStep);
    }

    [Fact]
    public void Sharded_steps_combined_in_order_match_the_whole_batch_step_closely()
    {
        var batch = Batch(0);
        var initial = ModelInitializer.Initialize(Config, 3);
        using var engine = new AutogradEngine(Config);
        engine.SetWeights(initial);
        var whole = engine.ComputeGradient(batch);
        var summed = ShardResults.Sum([engine.ComputeGradient(batch.Slice(0, 3)), engine.ComputeGradient(batch.Slice(3, 5))]);
        Assert.Equal(whole.Count, summed.Count);
        Assert.Equal(whole.LossSum, summed.LossSum, 1e-5);
        for (int i = 0; i < whole.Gradient.Length; i++) Assert.Equal(whole.Gradient[i], summed.Gradient[i], 1e-5);
    }

    [Fact]
    public void A_non_finite_gradient_leaves_weights_and_optimizer_untouched()
    {
        var optimizer = new AdamOptimizer(2);
        float[] weights = [1f, 2f];
        var error = Assert.Throws<InvalidOperationException>(() =>
            Rule.Apply(7, weights, new ShardResult([float.NaN, 1f], 1.0, 1), optimizer));
        Assert.Contains("step 7", error.Message);
        Assert.Equal([1f, 2f], weights);
        Assert.Equal(0, optimizer.StepCount);
    }

    private static (float[] Weights, double[] Losses) Train(int steps)
    {
        var initial = ModelInitializer.Initialize(Config, 3);
        using var engine = new AutogradEngine(Config);
        var trainer = new PlainTrainer(engine, new OptimizerSettings().Create(initial.Length), Rule, initial);
        var losses = new List<double>();
        trainer.Run(Batch, steps, report => losses.Add(Losses.ReportedMean(report.LossSum, report.Count, Config)));
        return (trainer.Weights.ToArray(), losses.ToArray());
    }

    /// <summary>A learnable toy task: the targets are the mean of the first feature and the last value of the second.</summary>
    private static AttnRnnCluster.Model.Data.Batch Batch(long step)
    {
        var batch = TestBatches.For(Config, [5, 3, 4, 5, 2, 5, 4, 1], steps: 5, seed: 100 + (ulong)step);
        var targets = new float[batch.Count * 2];
        for (int b = 0; b < batch.Count; b++)
        {
            int length = batch.Lengths[b];
            targets[b * 2] = Enumerable.Range(0, length).Average(t => batch.Features![(b * 5 + t) * 2]);
            targets[b * 2 + 1] = batch.Features![(b * 5 + length - 1) * 2 + 1];
        }
        return new AttnRnnCluster.Model.Data.Batch(batch.Count, 5, 2, 2, batch.Lengths, batch.Features, regressionTargets: targets);
    }
}
