namespace AttnRnnCluster.Protocol.Messages;

/// <summary>Worker → coordinator: the worker could not compute a shard (its reason is logged); it is reassigned.</summary>
public sealed record ShardFailed(long Version, WorkKind Kind, int ShardIndex, string Reason) : IProtocolMessage;
