namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → worker: compute micro-shard <paramref name="ShardIndex"/> of the step that starts from the
/// weights of <paramref name="Version"/>. A worker that does not have those weights yet holds the assignment
/// until they arrive.
/// </summary>
public sealed record ShardAssignment(long Version, WorkKind Kind, int ShardIndex, SequenceBatch Batch) : IProtocolMessage;
