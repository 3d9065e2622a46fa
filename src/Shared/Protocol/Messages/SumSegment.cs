namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → next worker (or the coordinator): values [<paramref name="Offset"/>, + length) of the step's running gradient
/// sum, float32, after the sender added its shards (<see cref="StepPlan"/>): the input of hop <paramref name="Hop"/> (the
/// hop after the sender's; for the coordinator, the number of hops).
/// </summary>
public sealed record SumSegment(long Version, int Attempt, int Hop, int Offset, float[] Values) : IProtocolMessage;
