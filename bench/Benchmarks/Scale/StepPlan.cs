namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// How many steps a run of a row takes: <see cref="WarmUp"/> left out (fresh processes: the JIT, the first weights,
/// TCP's slow start), then <see cref="Measured"/>, whose median is the row's figure. 17 fresh .NET processes on two
/// cores take about 13 steps of the chain at 16 workers and 10M parameters to settle (their step time falls from 9.6 s
/// at step 1 to 2-2.4 s from step 14 on; the shard compute, 100 ms of sleep, takes 0.6-1.1 s until step 13 while the
/// processes still compile, 17 times over, what DDP has compiled ahead): the warm-up is 14 steps, for DDP too. Enough
/// measured steps for about <see cref="TargetSeconds"/> of the step's link floor on the data plane measured (the
/// star's or the chain's), at least <see cref="MinMeasured"/> (the slow star rows: a step of 5-10 s) and at most
/// <see cref="MaxMeasured"/> (the fast ones: a fraction of a second).
/// </summary>
public sealed record StepPlan(int WarmUp, int Measured)
{
    public const int DefaultWarmUp = 14, MinMeasured = 8, MaxMeasured = 30;
    public const double TargetSeconds = 20;

    public int Steps => WarmUp + Measured;

    public static StepPlan For(int workers, int parameters, LinkRate link, TimeSpan computePerShard, string dataPlane)
    {
        double estimate = dataPlane == "star"
            ? LinkFloor.StarStepSeconds(workers, parameters, link, computePerShard)
            : LinkFloor.ChainStepSeconds(workers, parameters, link, computePerShard);
        int measured = (int)Math.Clamp(Math.Ceiling(TargetSeconds / Math.Max(estimate, 0.01)), MinMeasured, MaxMeasured);
        return new StepPlan(DefaultWarmUp, measured);
    }
}
