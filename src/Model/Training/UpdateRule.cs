namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Turning a step's summed gradient into new weights, identically in the single-process trainer and in the
/// distributed coordinator: divide by the loss-item count (the mean-loss gradient), clip by global norm,
/// take the scheduled rate, step the optimizer.
/// </summary>
public sealed record UpdateRule(LearningRateSchedule Schedule, double ClipNorm)
{
    /// <summary>Updates <paramref name="weights"/> and the optimizer; on a non-finite gradient throws and changes neither.</summary>
    public StepReport Apply(long step, Span<float> weights, ShardResult summed, IOptimizer optimizer)
    {
        if (summed.Count < 1) throw new ArgumentException($"step {step}: no loss items to average over");
        var gradient = new float[summed.Gradient.Length];
        float count = summed.Count;
        for (int i = 0; i < gradient.Length; i++) gradient[i] = summed.Gradient[i] / count;
        double norm = GradientClipping.ClipByGlobalNorm(gradient, ClipNorm);
        if (!double.IsFinite(norm) || !double.IsFinite(summed.LossSum))
            throw new InvalidOperationException($"step {step}: the loss ({summed.LossSum}) or gradient norm ({norm}) is not finite; the weights were left unchanged (lower the learning rate or enable clipping)");
        double rate = Schedule.At(step);
        optimizer.Step(weights, gradient, rate);
        return new StepReport(step, summed.LossSum, summed.Count, norm, rate);
    }
}
