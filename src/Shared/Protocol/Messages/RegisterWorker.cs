namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Worker → coordinator: the handshake. <paramref name="Capacity"/> is how many shards the worker wants
/// queued at once (one computing, the rest waiting), its pull window.
/// </summary>
public sealed record RegisterWorker(
    string WorkerName,
    int ProtocolRevision,
    string TorchSharpVersion,
    string LibTorchVersion,
    int Threads,
    int Capacity) : IProtocolMessage;
