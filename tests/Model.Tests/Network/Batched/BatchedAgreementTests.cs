using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Network.Batched;
using AttnRnnCluster.Model.Tests.Network.Fast;
using AttnRnnCluster.Model.Tests.Support;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Tests.Network.Batched;

/// <summary>The batched engine computes what the autograd engine (the reference, in float64) computes: outputs, loss and gradient, with padding.</summary>
public sealed class BatchedAgreementTests
{
    public BatchedAgreementTests() => Torch.Init();

    /// <summary>
    /// The tiny and wide models, and one whose input width is a whole number of vectors (D = 32, the char LM's
    /// embedding), where attention takes the vector kernels instead of the general loops.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, ModelConfig> All = TinyModels.All.Concat(FastAgreementTests.Wide)
        .Append(new("tokens-embed-32", new ModelConfig(InputKind.Tokens, 32, 40, 13, Attention: true, TargetKind.NextToken, VocabSize: 13)))
        .Append(new("dense-width-32-classes", new ModelConfig(InputKind.Dense, 32, 24, 3, Attention: true, TargetKind.Classification)))
        .ToDictionary();

    public static TheoryData<string, int> ModelsAndGroups
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string model in All.Keys)
            {
                data.Add(model, BatchedEngine<double>.DefaultGroupSize);   // one group of mixed lengths
                data.Add(model, 3);                                       // a full group and a partial one
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ModelsAndGroups))]
    public void Double_precision_loss_gradient_and_outputs_match_autograd_in_float64(string model, int groupSize)
    {
        var (config, batch, weights) = Case(model);
        using var reference = new AutogradEngine(config, ScalarType.Float64);
        using var batched = new BatchedEngine<double>(config, groupSize: groupSize);
        reference.SetWeights(weights);
        batched.SetWeights(weights);

        var expected = reference.ComputeGradient(batch);
        var actual = batched.ComputeGradient(batch);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.LossSum, actual.LossSum, 1e-12 * Math.Max(1, Math.Abs(expected.LossSum)));
        // Both gradients are computed in double and rounded to float32 once: they may differ by that rounding only.
        FastAssert.Close(expected.Gradient, actual.Gradient, 2e-7, $"{model} gradient");
        Assert.Equal(reference.Evaluate(batch).LossSum, batched.Evaluate(batch).LossSum, 1e-12 * Math.Max(1, Math.Abs(expected.LossSum)));
        FastAssert.Close(reference.Forward(batch), batched.Forward(batch), 2e-7, $"{model} outputs (padded steps included)");
    }

    [Theory]
    [MemberData(nameof(ModelsAndGroups))]
    public void Single_precision_gradient_matches_autograd_in_float64_to_float32_accuracy(string model, int groupSize)
    {
        var (config, batch, weights) = Case(model);
        using var reference = new AutogradEngine(config, ScalarType.Float64);
        using var batched = new BatchedEngine<float>(config, groupSize: groupSize);
        reference.SetWeights(weights);
        batched.SetWeights(weights.Select(w => (float)w).ToArray());

        var expected = reference.ComputeGradient(batch);
        var actual = batched.ComputeGradient(batch);
        Assert.Equal(expected.LossSum, actual.LossSum, 1e-5 * Math.Max(1, Math.Abs(expected.LossSum)));
        // Against the reference's own float32 error on the same case: float32 rounding, not a mistake, must explain the difference.
        using var reference32 = new AutogradEngine(config);
        reference32.SetWeights(weights.Select(w => (float)w).ToArray());
        double allowed = Math.Max(2e-6, 4 * FastAssert.WorstError(expected.Gradient, reference32.ComputeGradient(batch).Gradient));
        FastAssert.Close(expected.Gradient, actual.Gradient, allowed, $"{model} gradient");
    }

    /// <summary>A model's config, a padded batch (lengths differ; padded features are NaN) and float32-representable weights.</summary>
    private static (ModelConfig Config, Batch Batch, double[] Weights) Case(string model)
    {
        var config = All[model];
        TinyModels.All.TryGetValue(model, out var tiny);
        int[] lengths = tiny is null ? [12, 5, 9, 1, 7] : [4, 2, 3, 1, 4];
        var batch = TestBatches.For(config, lengths, steps: lengths.Max() + 2, seed: 31, padding: float.NaN);
        // Doubled initial weights: larger activations and sharper attention than at initialization.
        var weights = ModelInitializer.Initialize(config, seed: 17).Select(w => (double)(2 * w)).ToArray();
        return (config, batch, weights);
    }
}
