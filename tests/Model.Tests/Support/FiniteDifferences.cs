using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Support;

/// <summary>
/// An engine's analytic gradient against central finite differences (step 1e-6) of its own loss, with the weights
/// set in double through a setter (each engine's double overload), for every parameter.
/// </summary>
public static class FiniteDifferences
{
    public static void Check(string model, string engineName, IGradientEngine engine, Action<double[]> setWeights, double[] weights, Batch batch)
    {
        setWeights(weights);
        var analytic = engine.ComputeGradient(batch).Gradient;

        const double step = 1e-6;
        for (int i = 0; i < weights.Length; i++)
        {
            double saved = weights[i];
            weights[i] = saved + step;
            double up = LossAt(weights);
            weights[i] = saved - step;
            double down = LossAt(weights);
            weights[i] = saved;
            double numeric = (up - down) / (2 * step);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"{model}: parameter {Name(engine.Layout, i)}: finite difference {numeric}, {engineName} {analytic[i]}");
        }
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);

        double LossAt(double[] at)
        {
            setWeights(at);
            return engine.Evaluate(batch).LossSum;
        }
    }

    private static string Name(ParameterLayout layout, int index)
    {
        var spec = layout.Parameters.Last(p => p.Offset <= index);
        return $"{spec.Name}[{index - spec.Offset}]";
    }
}
