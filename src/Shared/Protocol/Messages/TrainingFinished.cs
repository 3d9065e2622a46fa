namespace AttnRnnCluster.Protocol.Messages;

/// <summary>Coordinator → worker: the run is over; the worker stops (a worker process exits 0).</summary>
public sealed record TrainingFinished(string Reason) : IProtocolMessage;
