using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Tests.Support;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Tests.Network.Fast;

/// <summary>The fast engine computes what the autograd engine (the reference, in float64) computes: outputs, loss and gradient.</summary>
public sealed class FastAgreementTests
{
    public FastAgreementTests() => Torch.Init();

    /// <summary>Beyond the tiny models: widths that fill whole vector blocks (H = 64) or leave remainders in every loop (H = 70, D = 9, O = 13).</summary>
    public static readonly IReadOnlyDictionary<string, ModelConfig> Wide = new Dictionary<string, ModelConfig>
    {
        ["adding-shaped"] = new(InputKind.Dense, 2, 64, 1, Attention: true, TargetKind.Regression),
        ["tokens-odd-widths"] = new(InputKind.Tokens, 9, 70, 13, Attention: true, TargetKind.NextToken, VocabSize: 13),
        ["tokens-odd-widths-plain"] = new(InputKind.Tokens, 9, 70, 13, Attention: false, TargetKind.NextToken, VocabSize: 13),
        ["dense-classes-odd-widths"] = new(InputKind.Dense, 5, 70, 6, Attention: true, TargetKind.Classification),
    };

    public static TheoryData<string> AllModels => new(TinyModels.All.Keys.Concat(Wide.Keys));

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Double_precision_loss_gradient_and_outputs_match_autograd_in_float64(string model)
    {
        var (config, batch, weights) = Case(model);
        using var reference = new AutogradEngine(config, ScalarType.Float64);
        using var fast = new FastEngine<double>(config);
        reference.SetWeights(weights);
        fast.SetWeights(weights);

        var expected = reference.ComputeGradient(batch);
        var actual = fast.ComputeGradient(batch);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.LossSum, actual.LossSum, 1e-12 * Math.Max(1, Math.Abs(expected.LossSum)));
        // Both gradients are computed in double and rounded to float32 once: they may differ by that rounding only.
        FastAssert.Close(expected.Gradient, actual.Gradient, 2e-7, $"{model} gradient");
        Assert.Equal(reference.Evaluate(batch).LossSum, fast.Evaluate(batch).LossSum, 1e-12 * Math.Max(1, Math.Abs(expected.LossSum)));
        FastAssert.Close(reference.Forward(batch), fast.Forward(batch), 2e-7, $"{model} outputs (padded steps included)");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void Single_precision_gradient_matches_autograd_in_float64_to_float32_accuracy(string model)
    {
        var (config, batch, weights) = Case(model);
        using var reference = new AutogradEngine(config, ScalarType.Float64);
        using var fast = new FastEngine<float>(config);
        reference.SetWeights(weights);
        fast.SetWeights(weights.Select(w => (float)w).ToArray());

        var expected = reference.ComputeGradient(batch);
        var actual = fast.ComputeGradient(batch);
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
        var config = TinyModels.All.TryGetValue(model, out var tiny) ? tiny : Wide[model];
        int[] lengths = tiny is null ? [12, 5, 9, 1] : [4, 2, 3, 1];
        var batch = TestBatches.For(config, lengths, steps: lengths.Max(), seed: 31, padding: float.NaN);
        // Doubled initial weights: larger activations and sharper attention than at initialization.
        var weights = ModelInitializer.Initialize(config, seed: 17).Select(w => (double)(2 * w)).ToArray();
        return (config, batch, weights);
    }
}
