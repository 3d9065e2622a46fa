using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Layouts of the transport's control messages (<see cref="TransportSerializer"/>). A chunk's bytes are read as a
/// slice of the received buffer, so the only copy on the receiving side is into the reassembled payload.
/// </summary>
public static class TransportFormats
{
    /// <summary>Every transport message, by manifest. A new message needs a new, never reused, manifest here.</summary>
    public static IReadOnlyList<MessageFormat> All =>
    [
        PayloadChunk, PayloadChunkAck, PayloadRejected, PayloadOffer, PayloadOfferTaken, PayloadOfferFailed,
        LaneRequest, LaneInvitation, LaneDeclined,
    ];

    public static readonly MessageFormat PayloadChunk = MessageFormat.Of<PayloadChunk>("pc", 2,
        static (w, m) =>
        {
            WriteHeader(w, w.Required(m.Header, nameof(m.Header)));
            w.WriteInt32(m.Index);
            w.WriteBytes(m.Bytes.Span);
        },
        static r => new PayloadChunk(
            ReadHeader(r),
            r.ReadInt32(nameof(Transport.PayloadChunk.Index), 0, int.MaxValue),
            r.ReadBytes(nameof(Transport.PayloadChunk.Bytes))));

    public static readonly MessageFormat PayloadChunkAck = MessageFormat.Of<PayloadChunkAck>("pk", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.TransferId);
            w.WriteInt32(m.Index);
        },
        static r => new PayloadChunkAck(
            TransferId: r.ReadInt64(nameof(Transport.PayloadChunkAck.TransferId)),
            Index: r.ReadInt32(nameof(Transport.PayloadChunkAck.Index))));

    public static readonly MessageFormat PayloadRejected = MessageFormat.Of<PayloadRejected>("pr", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.TransferId);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new PayloadRejected(
            TransferId: r.ReadInt64(nameof(Transport.PayloadRejected.TransferId)),
            Reason: r.ReadString(nameof(Transport.PayloadRejected.Reason))));

    public static readonly MessageFormat PayloadOffer = MessageFormat.Of<PayloadOffer>("po", 2,
        static (w, m) =>
        {
            WriteHeader(w, w.Required(m.Header, nameof(m.Header)));
            w.WriteString(m.Host, nameof(m.Host));
            w.WriteInt32(m.Port);
            w.WriteBytes(w.Required(m.Token, nameof(m.Token)));
        },
        static r => new PayloadOffer(
            ReadHeader(r),
            Host: r.ReadString(nameof(Transport.PayloadOffer.Host)),
            Port: r.ReadInt32(nameof(Transport.PayloadOffer.Port), 1, 65535),
            Token: ReadToken(r, nameof(Transport.PayloadOffer.Token))));

    public static readonly MessageFormat PayloadOfferTaken = MessageFormat.Of<PayloadOfferTaken>("pt", 1,
        static (w, m) => w.WriteInt64(m.TransferId),
        static r => new PayloadOfferTaken(r.ReadInt64(nameof(Transport.PayloadOfferTaken.TransferId))));

    public static readonly MessageFormat PayloadOfferFailed = MessageFormat.Of<PayloadOfferFailed>("pf", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.TransferId);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new PayloadOfferFailed(
            TransferId: r.ReadInt64(nameof(Transport.PayloadOfferFailed.TransferId)),
            Reason: r.ReadString(nameof(Transport.PayloadOfferFailed.Reason))));

    public static readonly MessageFormat LaneRequest = MessageFormat.Of<LaneRequest>("lq", 1,
        static (w, m) => w.WriteInt64(m.Attempt),
        static r => new LaneRequest(r.ReadInt64(nameof(Transport.LaneRequest.Attempt))));

    public static readonly MessageFormat LaneInvitation = MessageFormat.Of<LaneInvitation>("li", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.Attempt);
            w.WriteString(m.Host, nameof(m.Host));
            w.WriteInt32(m.Port);
            w.WriteBytes(w.Required(m.Token, nameof(m.Token)));
        },
        static r => new LaneInvitation(
            Attempt: r.ReadInt64(nameof(Transport.LaneInvitation.Attempt)),
            Host: r.ReadString(nameof(Transport.LaneInvitation.Host)),
            Port: r.ReadInt32(nameof(Transport.LaneInvitation.Port), 1, 65535),
            Token: ReadToken(r, nameof(Transport.LaneInvitation.Token))));

    public static readonly MessageFormat LaneDeclined = MessageFormat.Of<LaneDeclined>("ld", 1,
        static (w, m) =>
        {
            w.WriteInt64(m.Attempt);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new LaneDeclined(
            Attempt: r.ReadInt64(nameof(Transport.LaneDeclined.Attempt)),
            Reason: r.ReadString(nameof(Transport.LaneDeclined.Reason))));

    private static void WriteHeader(WireWriter w, PayloadHeader header)
    {
        w.WriteInt64(header.TransferId);
        w.WriteInt32(header.ChunkSize);
        w.WriteInt32(header.TotalLength);
        w.WriteUInt32(header.Checksum);
        w.WriteInt32(header.SerializerId);
        w.WriteString(header.Manifest, "Header.Manifest");
        w.WriteActorRef(w.Required(header.Recipient, "Header.Recipient"), "Header.Recipient");
        w.WriteActorRef(header.ReplyTo, "Header.ReplyTo");
    }

    private static PayloadHeader ReadHeader(WireReader r) => new(
        TransferId: r.ReadInt64("Header.TransferId"),
        ChunkSize: r.ReadInt32("Header.ChunkSize", 1, int.MaxValue),
        TotalLength: r.ReadInt32("Header.TotalLength", 1, int.MaxValue),
        Checksum: r.ReadUInt32("Header.Checksum"),
        SerializerId: r.ReadInt32("Header.SerializerId"),
        Manifest: r.ReadString("Header.Manifest"),
        Recipient: r.ReadActorRef("Header.Recipient") ?? throw r.Malformed("Header.Recipient", "is empty, expected an actor path"),
        ReplyTo: r.ReadActorRef("Header.ReplyTo"));

    private static byte[] ReadToken(WireReader r, string field)
    {
        var token = r.ReadBytes(field);
        if (token.Length != BulkWire.TokenLength)
            throw r.Malformed(field, $"has {token.Length} bytes, expected {BulkWire.TokenLength}");
        return token.ToArray();
    }
}
