using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;
using Xunit.Abstractions;

namespace AttnRnnCluster.Model.Tests.Benchmarks;

/// <summary>
/// The seed's claim (issue 3, item 7): on adding with T=100, H=64, batch 64, Adam lr 2e-3, clip 1.0, the fused
/// model reaches held-out MSE below 0.01 within a few hundred steps while the plain RNN stays near 0.167.
/// Minutes of CPU, so a benchmark; its figures are in docs/model.md.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(BenchmarkFactAttribute.Collection)]
public sealed class SeedClaimBenchmark(ITestOutputHelper output)
{
    private const int Steps = 600, EvalEvery = 50;

    [BenchmarkFact]
    public void Fused_model_solves_adding_T100_and_plain_rnn_does_not()
    {
        Torch.Init();
        // Three seeds for the fused model, because when it breaks away from the baseline depends on the seed.
        var fused = new ulong[] { 1, 2, 3 }.Select(seed => (Seed: seed, HeldOut: Train(attention: true, seed))).ToList();
        var plain = Train(attention: false, seed: 1);
        foreach (var (seed, heldOut) in fused)
            Assert.True(heldOut.Min() < 0.01, $"fused model, seed {seed}: best held-out MSE {heldOut.Min():F4} in {Steps} steps");
        Assert.True(plain[^1] > 0.1, $"plain RNN: held-out MSE {plain[^1]:F4} after {Steps} steps");
    }

    private List<double> Train(bool attention, ulong seed)
    {
        var source = new AddingSource(steps: 100, seed: seed, heldOutSize: 1000);
        var config = new ModelConfig(InputKind.Dense, 2, 64, 1, attention, TargetKind.Regression);
        using var engine = new AutogradEngine(config);
        var weights = ModelInitializer.Initialize(config, seed);
        var trainer = new PlainTrainer(engine, new OptimizerSettings().Create(weights.Length),
            new UpdateRule(LearningRateSchedule.Constant(2e-3), ClipNorm: 1.0), weights);
        var heldOut = new List<double>();
        var started = DateTime.UtcNow;
        trainer.Run(step => source.TrainBatch(step, 64), Steps, report =>
        {
            if ((report.Step + 1) % EvalEvery != 0) return;
            var (lossSum, count) = trainer.Evaluate(source.HeldOut!);
            heldOut.Add(Losses.ReportedMean(lossSum, count, config));
            output.WriteLine($"attention={attention} seed {seed} step {report.Step + 1}: train MSE {Losses.ReportedMean(report.LossSum, report.Count, config):F4}, " +
                             $"held-out MSE {heldOut[^1]:F4}, grad norm {report.GradientNorm:F3}, {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        });
        return heldOut;
    }
}
