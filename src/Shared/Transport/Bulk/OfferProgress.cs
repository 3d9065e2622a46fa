using Akka.Actor;

namespace AttnRnnCluster.Transport;

/// <summary>What a <see cref="BulkServer"/> tells an offer's owner as its payload is fetched (local messages only).</summary>
public abstract record OfferProgress(long TransferId) : INoSerializationVerificationNeeded
{
    /// <summary>A receiver presented the token; the payload is being written.</summary>
    public sealed record FetchStarted(long TransferId) : OfferProgress(TransferId);

    /// <summary>Every byte was written; the receiver is checking and decoding them.</summary>
    public sealed record Served(long TransferId) : OfferProgress(TransferId);

    /// <summary>Writing stopped part-way (connection lost, receiver stalled): the receiver cannot have the payload.</summary>
    public sealed record ServeFailed(long TransferId, string Reason) : OfferProgress(TransferId);
}
