namespace AttnRnnCluster.Transport;

/// <summary>Receiver → sending transfer actor: chunk <paramref name="Index"/> arrived; it opens the window by one.</summary>
public sealed record PayloadChunkAck(long TransferId, int Index) : ITransportMessage;
