namespace AttnRnnCluster.Transport;

/// <summary>Receiver → offer actor: the payload was not delivered (reason); send it in chunks instead.</summary>
public sealed record PayloadOfferFailed(long TransferId, string Reason) : ITransportMessage;
