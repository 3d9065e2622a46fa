using System.Numerics;
using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// The spec's loss of one output row y_t (the same as <see cref="Losses"/>, one item at a time): squared error
/// summed over outputs for regression, cross-entropy for classes and next tokens; and its gradient dL/dy_t.
/// </summary>
internal static class OutputLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// The loss of <paramref name="y"/> (Op values, the first O real) for sequence <paramref name="sequence"/> at
    /// step <paramref name="step"/>. Writes dL/dy into <paramref name="gradient"/> unless it is empty. May
    /// overwrite <paramref name="y"/>.
    /// </summary>
    public static double Of(ModelConfig config, Span<T> y, Batch batch, int sequence, int step, Span<T> gradient)
    {
        int o = config.OutputWidth;
        if (config.Target == TargetKind.Regression)
        {
            double loss = 0;
            for (int k = 0; k < o; k++)
            {
                T error = y[k] - T.CreateTruncating(batch.RegressionTargets![sequence * o + k]);
                loss += double.CreateTruncating(error) * double.CreateTruncating(error);
                if (!gradient.IsEmpty) gradient[k] = error + error;
            }
            return loss;
        }
        int target = (int)(config.Target == TargetKind.Classification
            ? batch.ClassTargets![sequence]
            : batch.TokenTargets![sequence * batch.Steps + step]);
        T picked = y[target];
        T logSumExp = Kernels<T>.Softmax(y, o);
        if (!gradient.IsEmpty)
        {
            y[..o].CopyTo(gradient);
            gradient[target] -= T.One;
        }
        return double.CreateTruncating(logSumExp) - double.CreateTruncating(picked);
    }
}
