namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → coordinator, every <see cref="WorkerAccepted.ProgressIntervalMs"/> while it computes a shard: "still at it".
/// The shard timeout measures a worker's silence (no result, failure or progress), so a shard that is simply long
/// to compute is never taken away from a worker that is computing it.
/// </summary>
public sealed record ShardProgress(long Version, WorkKind Kind, int ShardIndex) : IProtocolMessage;
