namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → each relay of the weights' chain: the step whose weights of <paramref name="Version"/> went down the
/// chain provisionally, drafted from the sum of <paramref name="Attempt"/> (<see cref="WeightsSegment.Provisional"/>),
/// passed its checks and was applied: those weights are the new ones, and the worker may compute with them.
/// </summary>
public sealed record WeightsConfirmed(long Version, int Attempt) : IProtocolMessage;
