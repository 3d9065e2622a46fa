using System.Diagnostics;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// One replica's ComputeGradient (forward + backward) on adding batches, with the engine
/// <see cref="GradientEngines.Create(ModelConfig)"/> gives, on this process's one intra-op thread. Like the peer's loop,
/// each timed step also makes its batch.
/// </summary>
public static class EngineThroughput
{
    private const int WarmUpSteps = 3;

    public static string EngineName(int hidden)
    {
        using var engine = GradientEngines.Create(AddingModel.Config(hidden));
        return engine.GetType().Name;
    }

    /// <summary>The milliseconds of each of <paramref name="steps"/> timed steps, after the warm-up.</summary>
    public static IReadOnlyList<double> StepMilliseconds(int seqLen, int hidden, int batch, int steps)
    {
        var config = AddingModel.Config(hidden);
        using var engine = GradientEngines.Create(config);
        engine.SetWeights(ModelInitializer.Initialize(config, seed: 1));
        var source = new AddingSource(seqLen, seed: 1, heldOutSize: 0);
        var times = new List<double>();
        for (int step = 0; step < WarmUpSteps + steps; step++)
        {
            var clock = Stopwatch.StartNew();
            var result = engine.ComputeGradient(source.TrainBatch(step, batch));
            if (!double.IsFinite(result.LossSum)) throw new InvalidOperationException($"step {step}: the loss is {result.LossSum}");
            if (step >= WarmUpSteps) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }
}
