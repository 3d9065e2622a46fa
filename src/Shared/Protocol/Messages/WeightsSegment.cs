using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → first worker → next worker ...: values [<paramref name="Offset"/>, + length) of the weights after
/// <paramref name="Version"/> optimizer steps, in <paramref name="Precision"/> (rounded by the coordinator, as a
/// <see cref="WeightsUpdate"/>'s), relayed along the chain of the <see cref="StepPlan"/>. <paramref name="Provisional"/>
/// null: the step was applied. A number: the weights were drafted from the sum of that attempt of the plan as it came
/// in, before the step's checks; a worker may use them only once <see cref="WeightsConfirmed"/> says the step stands
/// (else the applied weights follow, and replace them).
/// </summary>
public sealed record WeightsSegment(long Version, int Offset, float[] Values, WirePrecision Precision, int? Provisional = null) : IProtocolMessage;
