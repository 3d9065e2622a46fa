namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Turning a step's summed gradient into new weights, identically in the single-process trainer and in the
/// distributed coordinator: divide by the loss-item count (the mean-loss gradient), clip by global norm,
/// take the scheduled rate, step the optimizer. Two passes over the values and no copy: the norm of the quotients,
/// then the optimizer's update, which divides and clips each value as it reads it (the same bits as storing the
/// divided, then the clipped gradient first).
/// </summary>
public sealed record UpdateRule(LearningRateSchedule Schedule, double ClipNorm)
{
    /// <summary>Updates <paramref name="weights"/> and the optimizer; on a non-finite gradient throws and changes neither.</summary>
    public StepReport Apply(long step, Memory<float> weights, ShardResult summed, IOptimizer optimizer) =>
        Apply(step, weights, summed.Gradient, summed.LossSum, summed.Count, optimizer);

    /// <summary>
    /// As <see cref="Apply(long, Memory{float}, ShardResult, IOptimizer)"/>, from the parts of a summed result (the coordinator's
    /// gradient sum is a rented buffer); <paramref name="copyTo"/>, when not empty, receives the new weights too (see
    /// <see cref="IOptimizer.Step"/>), and is left as it was when the step throws; <paramref name="measured"/>, when its
    /// divisor is the item count, is the norm's sum of squares measured already (the same bits), and saves a pass.
    /// </summary>
    public StepReport Apply(long step, Memory<float> weights, ReadOnlyMemory<float> gradientSum, double lossSum, long count, IOptimizer optimizer,
        Memory<float> copyTo = default, MeasuredSquares? measured = null)
    {
        if (count < 1) throw new ArgumentException($"step {step}: no loss items to average over");
        float items = count;
        double sumOfSquares = measured is { } known && BitConverter.SingleToInt32Bits(known.Divisor) == BitConverter.SingleToInt32Bits(items)
            ? known.SumOfSquares
            : SumOfSquares.OfQuotients(gradientSum, items);
        double norm = Math.Sqrt(sumOfSquares);
        if (!double.IsFinite(norm) || !double.IsFinite(lossSum))
            throw new InvalidOperationException($"step {step}: the loss ({lossSum}) or gradient norm ({norm}) is not finite; the weights were left unchanged (lower the learning rate or enable clipping)");
        double scale = GradientClipping.ScaleFor(norm, ClipNorm);
        double rate = Schedule.At(step);
        optimizer.Step(weights, gradientSum, rate, items, scale, copyTo);
        return new StepReport(step, lossSum, count, norm, rate);
    }
}
