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
        FiniteDifferences.Check(model, "autograd", engine, w => engine.SetWeights(w), weights, batch);
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
}
