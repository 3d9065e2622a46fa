using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// The spec's losses, all SUM-reduced over loss items so that shards add up exactly: squared error summed over
/// outputs per sequence (regression, last real step), cross-entropy per sequence (classification, last real
/// step), cross-entropy per real position (next token).
/// </summary>
public static class Losses
{
    /// <summary>The summed loss (a scalar tensor) of outputs [B, T, O] against the batch's targets.</summary>
    public static Tensor Sum(Tensor outputs, BatchTensors batch, ModelConfig config)
    {
        using var scope = NewDisposeScope();
        var scored = outputs.reshape(-1, outputs.shape[2]).index_select(0, batch.LossPositions);
        var sum = config.Target == TargetKind.Regression
            ? (scored - batch.Targets).square().sum()
            : nn.functional.cross_entropy(scored, batch.Targets, reduction: nn.Reduction.Sum);
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss as reported to people: the mean per loss item, and for regression also per output (mean
    /// squared error), so that always predicting 1 on the adding problem reads about 0.167 whatever O is.
    /// </summary>
    public static double ReportedMean(double lossSum, long count, ModelConfig config)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"a loss needs at least one item (got {count})");
        return config.Target == TargetKind.Regression ? lossSum / (count * (double)config.OutputWidth) : lossSum / count;
    }
}
