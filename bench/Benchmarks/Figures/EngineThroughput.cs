using System.Diagnostics;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// One replica's ComputeGradient (forward + backward) on adding batches, with the engine
/// <see cref="GradientEngines.Create"/> gives, on this process's one intra-op thread. Like the peer's loop,
/// each timed step also makes its batch, and the rate is over all timed steps (the peer's statistic).
/// </summary>
public static class EngineThroughput
{
    private const int WarmUpSteps = 3;

    public static string EngineName(int hidden)
    {
        using var engine = GradientEngines.Create(AddingModel.Config(hidden));
        return engine.GetType().Name;
    }

    public static double SequencesPerSecond(int seqLen, int hidden, int batch, int steps)
    {
        var config = AddingModel.Config(hidden);
        using var engine = GradientEngines.Create(config);
        engine.SetWeights(ModelInitializer.Initialize(config, seed: 1));
        var source = new AddingSource(seqLen, seed: 1, heldOutSize: 0);
        var clock = new Stopwatch();
        for (int step = 0; step < WarmUpSteps + steps; step++)
        {
            if (step == WarmUpSteps) clock.Start();
            var result = engine.ComputeGradient(source.TrainBatch(step, batch));
            if (!double.IsFinite(result.LossSum)) throw new InvalidOperationException($"step {step}: the loss is {result.LossSum}");
        }
        return steps * batch / clock.Elapsed.TotalSeconds;
    }
}
