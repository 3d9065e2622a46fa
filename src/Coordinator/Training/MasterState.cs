using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Shared.Protocol;
using AttnRnnCluster.Worker.Wire;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>How the optimizer moves the weights: clip, schedule and step, exactly as the plain loop does.</summary>
/// <param name="weights">The master weights, updated in place.</param>
/// <param name="meanGradient">The gradient of the mean loss over the global batch (may be clipped in place).</param>
/// <param name="step">The 1-based step being applied.</param>
public delegate (double GradientNorm, double LearningRate) WeightUpdate(float[] weights, float[] meanGradient, long step);

/// <summary>The outcome of one optimizer step.</summary>
public sealed record StepUpdate(double Loss, double GradientNorm, double LearningRate, long Items);

/// <summary>
/// The coordinator's master copy of the weights and the rule that updates them. It turns a complete round of
/// shard results into one optimizer step: sum in shard order, divide by the item count, update.
/// </summary>
public sealed class MasterState(ModelConfig config, float[] weights, long version, WeightUpdate update)
{
    public ModelConfig Config { get; } = config;
    public ParameterLayout Layout { get; } = ParameterLayout.For(config);
    /// <summary>The master weights. Read-only outside this class; every broadcast sends a copy.</summary>
    public float[] Weights { get; } = weights;
    /// <summary>Optimizer steps applied so far: the version stamped on broadcasts.</summary>
    public long Version { get; private set; } = version;

    public StepUpdate Apply(IReadOnlyList<ShardCompleted> resultsInShardOrder, long step)
    {
        if (step != Version + 1) throw new InvalidOperationException($"step {step} does not follow version {Version}");
        var sum = new double[Layout.TotalSize];
        double lossSum = 0;
        long items = 0;
        foreach (var result in resultsInShardOrder)
        {
            var gradient = result.Gradient!;
            for (int i = 0; i < sum.Length; i++) sum[i] += gradient[i];
            lossSum += result.LossSum;
            items += result.Count;
        }
        var mean = new float[sum.Length];
        for (int i = 0; i < mean.Length; i++) mean[i] = (float)(sum[i] / items);
        var (norm, lr) = update(Weights, mean, step);
        Version = step;
        return new StepUpdate(ReportedLoss(lossSum, items), norm, lr, items);
    }

    /// <summary>The loss users see: the mean per item (per item and output for regression).</summary>
    public double ReportedLoss(double lossSum, long items) =>
        Config.Target == TargetKind.Regression ? lossSum / (items * (double)Config.OutputWidth) : lossSum / items;

    /// <summary>A broadcast of the current weights (a copy: the message may be read while the next step updates).</summary>
    public WeightsUpdate WeightsMessage() => new(Version, new ParameterBuffer(Layout.ToSlots(), (float[])Weights.Clone()));
}
