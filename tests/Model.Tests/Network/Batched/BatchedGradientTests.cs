using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network.Batched;
using AttnRnnCluster.Model.Tests.Support;

namespace AttnRnnCluster.Model.Tests.Network.Batched;

/// <summary>The batched engine's backward pass against central finite differences of its own loss, in double, with padding and two groups.</summary>
public sealed class BatchedGradientTests
{
    public BatchedGradientTests() => Torch.Init();

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Gradient_matches_finite_differences(string model)
    {
        var config = TinyModels.All[model];
        var batch = TestBatches.For(config, lengths: [4, 2, 3], steps: 5, seed: 11, padding: float.NaN);
        var weights = ModelInitializer.Initialize(config, seed: 5).Select(w => 2.0 * w).ToArray();
        using var engine = new BatchedEngine<double>(config, groupSize: 2);
        engine.SetWeights(weights);
        var analytic = engine.ComputeGradient(batch).Gradient;

        const double step = 1e-6;
        for (int i = 0; i < weights.Length; i++)
        {
            double saved = weights[i];
            weights[i] = saved + step;
            double up = LossAt(engine, weights, batch);
            weights[i] = saved - step;
            double down = LossAt(engine, weights, batch);
            weights[i] = saved;
            double numeric = (up - down) / (2 * step);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"{model}: parameter {Name(engine, i)}: finite difference {numeric}, batched engine {analytic[i]}");
        }
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }

    private static double LossAt(BatchedEngine<double> engine, double[] weights, Batch batch)
    {
        engine.SetWeights(weights);
        return engine.Evaluate(batch).LossSum;
    }

    private static string Name(BatchedEngine<double> engine, int index)
    {
        var spec = engine.Layout.Parameters.Last(p => p.Offset <= index);
        return $"{spec.Name}[{index - spec.Offset}]";
    }
}
