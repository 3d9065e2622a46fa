using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Tests.Network;

/// <summary>The autograd gradient against central finite differences, in float64 on tiny models with padding.</summary>
public sealed class GradientTests
{
    public GradientTests() => Torch.Init();

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Autograd_gradient_matches_finite_differences(string model)
    {
        var config = TinyModels.All[model];
        var batch = TestBatches.For(config, lengths: [4, 2, 3], steps: 4, seed: 11);
        var weights = ModelInitializer.Initialize(config, seed: 5).Select(w => 2.0 * w).ToArray();
        using var engine = new AutogradEngine(config, ScalarType.Float64);
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
                $"{model}: parameter {Name(engine, i)}: finite difference {numeric}, autograd {analytic[i]}");
        }
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }

    [Fact]
    public void Attention_parameters_get_gradient_and_plain_rnn_has_none()
    {
        var batch = TestBatches.For(TinyModels.DenseRegression, [4, 3], 4, seed: 2);
        using var fused = new AutogradEngine(TinyModels.DenseRegression);
        fused.SetWeights(ModelInitializer.Initialize(TinyModels.DenseRegression, 1));
        var gradient = fused.ComputeGradient(batch).Gradient;
        var wa = fused.Layout["attention.w_a"];
        Assert.Contains(gradient.AsSpan(wa.Offset, wa.Size).ToArray(), g => g != 0);
        using var plain = new AutogradEngine(TinyModels.DenseRegressionPlain);
        Assert.DoesNotContain(plain.Layout.Parameters, p => p.Name.StartsWith("attention."));
    }

    private static double LossAt(AutogradEngine engine, double[] weights, Batch batch)
    {
        engine.SetWeights(weights);
        return engine.Evaluate(batch).LossSum;
    }

    private static string Name(AutogradEngine engine, int index)
    {
        var spec = engine.Layout.Parameters.Last(p => p.Offset <= index);
        return $"{spec.Name}[{index - spec.Offset}]";
    }
}
