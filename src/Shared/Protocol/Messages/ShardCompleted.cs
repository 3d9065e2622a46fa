using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → coordinator: one micro-shard's SUM-reduced loss, its item count and (for training) the gradient
/// of that sum, flat in parameter-layout order. <paramref name="ComputeMilliseconds"/> is the worker's own
/// compute time, for the straggler report. <paramref name="GradientPrecision"/> is how the gradient travels (the
/// precision <see cref="WorkerAccepted"/> gave the worker, which has rounded the values to it already, so that the
/// coordinator sums the same values whether the result crossed a wire or not); read back from the array's encoding byte.
/// With <see cref="DataPlane.Chain"/> a training result carries no gradient but its <paramref name="Digest"/>: the worker
/// keeps the gradient and adds it to the step's running sum when the coordinator's <see cref="StepPlan"/> comes.
/// </summary>
public sealed record ShardCompleted(
    long Version,
    WorkKind Kind,
    int ShardIndex,
    float[]? Gradient,
    double LossSum,
    long Count,
    double ComputeMilliseconds,
    WirePrecision GradientPrecision = WirePrecision.F32,
    GradientDigest? Digest = null) : IProtocolMessage;
