namespace AttnRnnCluster.Protocol.Messages;

/// <summary>Coordinator → worker: registration refused (protocol mismatch, excluded worker...). The worker exits.</summary>
public sealed record WorkerRefused(string Reason) : IProtocolMessage;
