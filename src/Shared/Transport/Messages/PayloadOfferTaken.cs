namespace AttnRnnCluster.Transport;

/// <summary>Receiver → offer actor: the payload was fetched, verified and delivered; the offer can go.</summary>
public sealed record PayloadOfferTaken(long TransferId) : ITransportMessage;
