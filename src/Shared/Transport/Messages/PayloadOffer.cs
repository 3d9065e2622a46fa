namespace AttnRnnCluster.Transport;

/// <summary>
/// Sending node's offer actor → receiving node's <c>payload-receiver</c>: a large message waits on the sender's
/// bulk server at <paramref name="Host"/>:<paramref name="Port"/>; fetch it by transfer id and <paramref name="Token"/>
/// (<see cref="BulkWire.TokenLength"/> random bytes, good for one fetch). Answered by <see cref="PayloadOfferTaken"/>
/// or <see cref="PayloadOfferFailed"/>.
/// </summary>
public sealed record PayloadOffer(PayloadHeader Header, string Host, int Port, byte[] Token) : ITransportMessage
{
    /// <summary>How logs and the unreachable-endpoint memory name the sender's bulk server.</summary>
    public string Endpoint => $"{Host}:{Port}";
}
