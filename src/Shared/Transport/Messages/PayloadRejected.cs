namespace AttnRnnCluster.Transport;

/// <summary>Receiver → sending transfer actor: the transfer was dropped (corrupt, too large, undeliverable); stop sending.</summary>
public sealed record PayloadRejected(long TransferId, string Reason) : ITransportMessage;
