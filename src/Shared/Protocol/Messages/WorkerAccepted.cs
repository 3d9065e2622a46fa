using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → worker: registration accepted. The model configuration travels as the same JSON that
/// checkpoints store; the current weights follow in a <see cref="WeightsUpdate"/>. While it computes a shard, the
/// worker sends a <see cref="ShardProgress"/> every <paramref name="ProgressIntervalMs"/> milliseconds, and it sends
/// its gradients in <paramref name="GradientPrecision"/> (the run's --wire-precision), rounded to it by the worker, and
/// moves them on the run's <paramref name="DataPlane"/> (--data-plane).
/// </summary>
public sealed record WorkerAccepted(string RunId, string ModelConfigJson, int ParameterCount, int ProgressIntervalMs, WirePrecision GradientPrecision,
    DataPlane DataPlane = DataPlane.Star) : IProtocolMessage;
