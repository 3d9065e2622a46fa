namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Turning a step's mean-loss gradient (<see cref="ShardResults.Mean"/>) into new weights, identically in the
/// single-process trainer and in the distributed coordinator: clip by global norm, take the scheduled rate,
/// step the optimizer.
/// </summary>
public sealed record UpdateRule(LearningRateSchedule Schedule, double ClipNorm)
{
    /// <summary>
    /// Updates <paramref name="weights"/> and the optimizer for 0-based step <paramref name="step"/>;
    /// <paramref name="meanGradient"/> is clipped in place. On a non-finite gradient throws and changes neither
    /// weights nor optimizer. Returns the norm before clipping and the rate used.
    /// </summary>
    public (double GradientNorm, double LearningRate) Apply(long step, Span<float> weights, Span<float> meanGradient, IOptimizer optimizer)
    {
        double norm = GradientClipping.GlobalNorm(meanGradient);
        if (!double.IsFinite(norm))
            throw new InvalidOperationException($"step {step}: the gradient norm is {norm}; the weights were left unchanged (lower the learning rate or enable clipping)");
        GradientClipping.ClipByGlobalNorm(meanGradient, ClipNorm);
        double rate = Schedule.At(step);
        optimizer.Step(weights, meanGradient, rate);
        return (norm, rate);
    }
}
