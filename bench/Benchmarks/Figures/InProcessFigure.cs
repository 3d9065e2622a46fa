using System.Diagnostics;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 4 item 8: the coordinator with one in-process worker actor against the plain single-process loop
/// (<see cref="PlainTrainer"/>), same model, batch and optimizer; runs alternating, per-step medians after warm-up,
/// and the goal judged on the median of the rounds' ratios.
/// </summary>
public static class InProcessFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 64, Steps = 12, Rounds = 8;
    private static readonly int[] MicroBatches = [64, 16];

    public static async Task RunAsync()
    {
        Report.Heading($"in process: coordinator + 1 worker actor vs the plain loop, adding T={SeqLen} H={Hidden} batch {Batch}, 1 thread");
        var plain = new List<double>();
        var actors = MicroBatches.ToDictionary(m => m, _ => new List<double>());
        for (int round = 0; round < Rounds; round++)
        {
            plain.Add(PlainLoopSequencesPerSecond());
            foreach (var (microBatch, runs) in actors)
                runs.Add((await new TrainingRun(SeqLen, Hidden, Batch, microBatch, Steps).InThisProcessAsync(localWorkers: 1)).MedianExamplesPerSecond);
        }
        Report.Line($"plain loop (PlainTrainer):              {Report.Runs(plain)} seq/s");
        foreach (var (microBatch, runs) in actors)
            Report.Line($"coordinator + 1 worker, micro-batch {microBatch,3}: {Report.Runs(runs)} seq/s");
        foreach (var (microBatch, runs) in actors)
            Report.Goal($"actors (micro-batch {microBatch}) / plain loop, median of the rounds' ratios", Report.MedianRatio(runs, plain), goal: 0.95);
    }

    /// <summary>The median over steps (after the warm-up) of batch / step time, a step being what the coordinator times: make the batch, compute, update.</summary>
    private static double PlainLoopSequencesPerSecond()
    {
        var config = AddingModel.Config(Hidden);
        using var engine = GradientEngines.Create(config);
        var weights = ModelInitializer.Initialize(config, seed: 0);
        var trainer = new PlainTrainer(engine, new OptimizerSettings().Create(weights.Length),
            new UpdateRule(LearningRateSchedule.Constant(0.002), ClipNorm: 1), weights);
        var source = new AddingSource(SeqLen, seed: 0, heldOutSize: 0);
        var rates = new List<double>();
        for (int step = 0; step < Steps; step++)
        {
            var clock = Stopwatch.StartNew();
            trainer.Step(source.TrainBatch(step, Batch));
            if (step >= StepMetrics.WarmUpSteps) rates.Add(Batch / clock.Elapsed.TotalSeconds);
        }
        return Report.Median(rates);
    }
}
