namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// How many steps a run of a row takes: <see cref="WarmUp"/> left out (fresh processes: the JIT, the first weights,
/// TCP's slow start; 17 .NET processes still compile on the two cores for the first few steps: a fifth of the CPU in a
/// profile of step 5 of the chain at 16 workers, which DDP, compiled ahead, does not pay), then <see cref="Measured"/>, whose median is the row's figure. Enough measured steps for about
/// <see cref="TargetSeconds"/> of the step's link floor, at least <see cref="MinMeasured"/> (the slow star rows: a
/// step of 5-10 s) and at most <see cref="MaxMeasured"/> (the fast ones: a fraction of a second).
/// </summary>
public sealed record StepPlan(int WarmUp, int Measured)
{
    public const int DefaultWarmUp = 6, MinMeasured = 5, MaxMeasured = 30;
    public const double TargetSeconds = 20;

    public int Steps => WarmUp + Measured;

    public static StepPlan For(int workers, int parameters, LinkRate link, TimeSpan computePerShard)
    {
        double estimate = LinkFloor.StarStepSeconds(workers, parameters, link, computePerShard);
        int measured = (int)Math.Clamp(Math.Ceiling(TargetSeconds / Math.Max(estimate, 0.01)), MinMeasured, MaxMeasured);
        return new StepPlan(DefaultWarmUp, measured);
    }
}
