using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → worker: the weights after <paramref name="Version"/> optimizer steps, travelling in
/// <paramref name="Precision"/>. With bf16 the coordinator has already rounded the values
/// (<see cref="BFloat16.Round"/>): the encoding loses nothing, and a worker in the coordinator's own process (which
/// gets this instance, never encoded) computes on the same values as a remote one.
/// </summary>
public sealed record WeightsUpdate(long Version, ParameterBuffer Weights, WirePrecision Precision = WirePrecision.F32) : IProtocolMessage;
