using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → first worker → next worker ...: values [<paramref name="Offset"/>, + length) of the weights after
/// <paramref name="Version"/> optimizer steps, in <paramref name="Precision"/> (rounded by the coordinator, as a
/// <see cref="WeightsUpdate"/>'s), relayed along the chain of the <see cref="StepPlan"/>.
/// </summary>
public sealed record WeightsSegment(long Version, int Offset, float[] Values, WirePrecision Precision) : IProtocolMessage;
