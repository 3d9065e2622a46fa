namespace AttnRnnCluster.Protocol.Messages;

/// <summary>Coordinator → worker: the weights after <paramref name="Version"/> optimizer steps.</summary>
public sealed record WeightsUpdate(long Version, ParameterBuffer Weights) : IProtocolMessage;
