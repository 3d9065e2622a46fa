using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.SyntheticWorker;

/// <summary>
/// A stand-in for a model replica, for the scale benchmark only (issue 19, docs/performance.md "Scale II"): every
/// shard costs a fixed <paramref name="computePerShard"/> of sleep (no CPU, so the two cores of the machine that
/// simulates 17 hosts go to communication and coordination) and yields a gradient of the model's full length, so
/// the weights and gradients on the wire are exactly those of a real model of that size. It lives in this bench-only
/// executable: the Worker and Coordinator executables have no option or path that reaches it.
/// </summary>
public sealed class SyntheticEngine(ModelConfig config, TimeSpan computePerShard) : IGradientEngine
{
    /// <summary>The loss per item it reports: the adding problem's before any training (predicting the mean, MSE 1/6).</summary>
    public const double LossPerItem = 1.0 / 6;

    /// <summary>Every gradient value, per loss item of the shard (the gradient of a SUM of losses grows with the items): small and finite, so the clip and Adam see ordinary numbers.</summary>
    public const float GradientPerItem = 1e-4f;

    public ModelConfig Config { get; } = config;

    public ParameterLayout Layout { get; } = ParameterLayout.For(config);

    /// <summary>Nothing computes with the weights, so they are not copied; their length is checked as a real engine's would be.</summary>
    public void SetWeights(ReadOnlySpan<float> flat)
    {
        if (flat.Length != Layout.TotalSize)
            throw new ArgumentException($"expected {Layout.TotalSize} weights, got {flat.Length}", nameof(flat));
    }

    public ShardResult ComputeGradient(Batch shard)
    {
        Thread.Sleep(computePerShard);
        var gradient = GC.AllocateUninitializedArray<float>(Layout.TotalSize);
        Array.Fill(gradient, GradientPerItem * shard.LossItems);
        return new ShardResult(gradient, LossPerItem * shard.LossItems, shard.LossItems);
    }

    /// <summary>A fixed loss at no cost: the benchmark evaluates only once, after its last step.</summary>
    public (double LossSum, long Count) Evaluate(Batch shard) => (LossPerItem * shard.LossItems, shard.LossItems);

    public float[] Forward(Batch batch) =>
        throw new NotSupportedException("the synthetic engine computes no outputs: it stands in for gradients only");

    public void Dispose()
    {
    }
}
