using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Everything the training loop needs to know about the run, resolved from the options: the schedule of steps,
/// evaluation and checkpoints, the fault-handling limits, and the precision weights and gradients travel in
/// (<see cref="WirePrecision"/>: with bf16 the broadcast weights and every shard's gradient are rounded to bf16 by
/// their sender, whether they cross a wire or not, so the bits do not depend on where workers run).
/// </summary>
public sealed record TrainingPlan(
    ulong Seed,
    int GlobalBatch,
    int MicroBatch,
    long MaxSteps,
    double? TargetLoss,
    int EvalEvery,
    int CheckpointEvery,
    int MinWorkers,
    TimeSpan StartTimeout,
    TimeSpan ShardTimeout,
    double StragglerFactor,
    TimeSpan StragglerMinimum,
    int MaxBadResults,
    int EvalMicroBatch,
    TimeSpan WorkerWait,
    double VerifyFraction,
    WirePrecision WirePrecision = WirePrecision.F32)
{
    /// <summary>
    /// A gradient whose norm is more than this many times the smallest non-zero norm of its step's shards is doubted:
    /// recomputed by another worker before the step is applied. Honest micro-shards of one step rarely differ in norm
    /// by more than a few times (and an honest outlier is only recomputed, never blamed); a broken or hostile worker's
    /// "finite but absurd" gradient (1e30) is many orders of magnitude off.
    /// </summary>
    public const double AbsurdNormFactor = 1e3;

    /// <summary>How gradients and weights move (<c>--data-plane</c>): star through the coordinator, or a chain of workers.</summary>
    public DataPlane DataPlane { get; init; } = DataPlane.Star;

    /// <summary>Values per segment of the chain's running sum and weights (<see cref="StepPlan.DefaultSegmentLength"/>).</summary>
    public int SegmentLength { get; init; } = StepPlan.DefaultSegmentLength;

    /// <summary>Steps of fewer shards are not compared (the overflow check still holds): two norms cannot say which is off.</summary>
    public const int MinShardsForNormCheck = 3;

    /// <summary>
    /// Verified training: whether shard <paramref name="shard"/> of step version <paramref name="version"/> is audited
    /// (recomputed by a second worker and compared bit for bit). A function of (seed, version, shard) only, so the
    /// same shards are audited whoever computes them, on every run with these settings.
    /// </summary>
    public bool Audits(long version, int shard)
    {
        if (VerifyFraction <= 0) return false;
        if (VerifyFraction >= 1) return true;
        ulong x = Seed ^ (0x9E3779B97F4A7C15UL * (ulong)(version + 1)) ^ (0xC2B2AE3D27D4EB4FUL * (ulong)(shard + 1));
        // SplitMix64's finaliser: every input bit reaches every output bit.
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53)) < VerifyFraction;
    }

    /// <summary>
    /// The least time a shard is out before an idle worker may back it up, whatever the median says: below a few
    /// hundred milliseconds a "straggler" is scheduling noise, and a backup would only double the work.
    /// </summary>
    public static readonly TimeSpan DefaultStragglerMinimum = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Evaluation shards hold at least this many sequences: they need no gradient (a forward pass, no result of the
    /// model's size), so larger shards mean fewer messages for the same work.
    /// </summary>
    public const int MinEvalMicroBatch = 64;

    public static int EvalMicroBatchFor(int microBatch) => Math.Max(microBatch, MinEvalMicroBatch);

    /// <summary>
    /// How often a computing worker says so (<c>ShardProgress</c>): a quarter of the shard timeout, so a worker is
    /// judged silent only after missing three beats in a row; within 0.1–5 s, so that beats cost nothing on the
    /// wire and a long timeout still hears from its workers every few seconds.
    /// </summary>
    public TimeSpan ProgressInterval =>
        TimeSpan.FromTicks(Math.Clamp(ShardTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
}
