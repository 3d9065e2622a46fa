namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → coordinator: one micro-shard's SUM-reduced loss, its item count and (for training) the gradient
/// of that sum, flat in parameter-layout order. <paramref name="ComputeMilliseconds"/> is the worker's own
/// compute time, for the straggler report.
/// </summary>
public sealed record ShardCompleted(
    long Version,
    WorkKind Kind,
    int ShardIndex,
    float[]? Gradient,
    double LossSum,
    long Count,
    double ComputeMilliseconds) : IProtocolMessage;
