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
        FiniteDifferences.Check(model, "batched engine", engine, w => engine.SetWeights(w), weights, batch);
    }
}
