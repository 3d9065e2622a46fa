using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → coordinator: one micro-shard's SUM-reduced loss, its item count and (for training) the gradient
/// of that sum, flat in parameter-layout order. <paramref name="ComputeMilliseconds"/> is the worker's own
/// compute time, for the straggler report. <paramref name="GradientPrecision"/> is how the gradient travels (the
/// precision <see cref="WorkerAccepted"/> gave the worker, which has rounded the values to it already, so that the
/// coordinator sums the same values whether the result crossed a wire or not); read back from the array's encoding byte.
/// </summary>
public sealed record ShardCompleted(
    long Version,
    WorkKind Kind,
    int ShardIndex,
    float[]? Gradient,
    double LossSum,
    long Count,
    double ComputeMilliseconds,
    WirePrecision GradientPrecision = WirePrecision.F32) : IProtocolMessage;
