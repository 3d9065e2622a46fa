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
        FiniteDifferences.Check(model, "fast engine", engine, w => engine.SetWeights(w), weights, batch);
    }
}
