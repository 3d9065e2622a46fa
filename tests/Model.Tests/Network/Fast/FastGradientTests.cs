using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Tests.Support;

namespace AttnRnnCluster.Model.Tests.Network.Fast;

/// <summary>The fast engine's hand-written backward pass against central finite differences of its own loss, in double, with padding.</summary>
public sealed class FastGradientTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Gradient_matches_finite_differences(string model)
    {
        var config = TinyModels.All[model];
        var batch = TestBatches.For(config, lengths: [4, 2, 3], steps: 4, seed: 11, padding: float.NaN);
        var weights = ModelInitializer.Initialize(config, seed: 5).Select(w => 2.0 * w).ToArray();
        using var engine = new FastEngine<double>(config);
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
                $"{model}: parameter {Name(engine, i)}: finite difference {numeric}, fast engine {analytic[i]}");
        }
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }

    private static double LossAt(FastEngine<double> engine, double[] weights, Batch batch)
    {
        engine.SetWeights(weights);
        return engine.Evaluate(batch).LossSum;
    }

    private static string Name(FastEngine<double> engine, int index)
    {
        var spec = engine.Layout.Parameters.Last(p => p.Offset <= index);
        return $"{spec.Name}[{index - spec.Offset}]";
    }
}
