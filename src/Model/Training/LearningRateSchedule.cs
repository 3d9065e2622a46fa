namespace AttnRnnCluster.Model.Training;

/// <summary>
/// The learning rate at each step (0-based): constant, or (like nanoGPT's) a linear warmup to
/// <see cref="Peak"/> over <see cref="WarmupSteps"/> steps, then a cosine decay to <see cref="Floor"/> at
/// <see cref="TotalSteps"/>, and the floor after that.
/// </summary>
public sealed record LearningRateSchedule(double Peak, bool Cosine = false, long WarmupSteps = 0, long TotalSteps = 0, double Floor = 0)
{
    public static LearningRateSchedule Constant(double rate) => new(rate);

    public static LearningRateSchedule WarmupCosine(double peak, long warmupSteps, long totalSteps, double floor) =>
        new(peak, Cosine: true, warmupSteps, totalSteps, floor);

    public double At(long step)
    {
        Validate();
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"a step is at least 0 (got {step})");
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        if (!Cosine) return Peak;
        if (step >= TotalSteps) return Floor;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return Floor + 0.5 * (1 + Math.Cos(Math.PI * progress)) * (Peak - Floor);
    }

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!(Peak > 0) || double.IsInfinity(Peak)) throw new ArgumentException($"learning rate: the rate must be positive and finite (got {Peak})");
        if (WarmupSteps < 0) throw new ArgumentException($"learning rate: warmup steps must be at least 0 (got {WarmupSteps})");
        if (!Cosine) return;
        if (TotalSteps <= WarmupSteps) throw new ArgumentException($"learning rate: cosine decay needs total steps ({TotalSteps}) above the warmup steps ({WarmupSteps})");
        if (Floor < 0 || Floor > Peak) throw new ArgumentException($"learning rate: the floor must be in [0, {Peak}] (got {Floor})");
    }
}
