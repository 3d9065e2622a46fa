using Akka.Actor;

namespace AttnRnnCluster.Transport;

/// <summary>
/// What every chunk of one transfer repeats, so the receiver can check each chunk against the first:
/// the serialized message's size, checksum (CRC-32C of all its bytes), serializer and manifest, whom to deliver it to
/// (an actor on the receiving node) and as whom (<paramref name="ReplyTo"/>, the original sender; null for none).
/// </summary>
public sealed record PayloadHeader(
    long TransferId,
    int ChunkSize,
    int TotalLength,
    uint Checksum,
    int SerializerId,
    string Manifest,
    IActorRef Recipient,
    IActorRef? ReplyTo)
{
    public ChunkLayout Layout => new(TotalLength, ChunkSize);

    /// <summary>How logs name the transfer.</summary>
    public string Description => $"transfer {TransferId} of '{Manifest}' ({TotalLength} bytes, {Layout.Count} chunks) for {Recipient}";
}
