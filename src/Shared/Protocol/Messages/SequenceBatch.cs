namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// A shard of sequences on the wire: row-major arrays mirroring the model's batch (B sequences padded to T
/// steps of width D, with real lengths). Exactly one input array and one target array are set.
/// </summary>
public sealed record SequenceBatch(
    int Count,
    int Steps,
    int Width,
    int OutputWidth,
    int[] Lengths,
    float[]? Features,
    long[]? Tokens,
    float[]? RegressionTargets,
    long[]? ClassTargets,
    long[]? TokenTargets);
