using AttnRnnCluster.Shared.Transfer;

namespace AttnRnnCluster.Shared.Serialization;

/// <summary>
/// Layouts of the transfer messages. A chunk's bytes are read as a slice of the received buffer, so the only
/// copy on the receiving side is into the reassembled payload.
/// </summary>
internal static class TransferFormats
{
    public static readonly MessageFormat PayloadChunk = MessageFormat.Of<PayloadChunk>("pc", 1,
        static (w, m, _) =>
        {
            WriteHeader(w, w.Required(m.Header, nameof(m.Header)));
            w.WriteInt32(m.Index);
            w.WriteBytes(m.Bytes.Span);
        },
        static r => new PayloadChunk(
            ReadHeader(r),
            r.ReadInt32(nameof(Transfer.PayloadChunk.Index), 0, int.MaxValue),
            r.ReadBytes(nameof(Transfer.PayloadChunk.Bytes))));

    public static readonly MessageFormat PayloadChunkAck = MessageFormat.Of<PayloadChunkAck>("pk", 1,
        static (w, m, _) =>
        {
            w.WriteInt64(m.TransferId);
            w.WriteInt32(m.Index);
        },
        static r => new PayloadChunkAck(
            TransferId: r.ReadInt64(nameof(Transfer.PayloadChunkAck.TransferId)),
            Index: r.ReadInt32(nameof(Transfer.PayloadChunkAck.Index))));

    public static readonly MessageFormat PayloadRejected = MessageFormat.Of<PayloadRejected>("pr", 1,
        static (w, m, _) =>
        {
            w.WriteInt64(m.TransferId);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new PayloadRejected(
            TransferId: r.ReadInt64(nameof(Transfer.PayloadRejected.TransferId)),
            Reason: r.ReadString(nameof(Transfer.PayloadRejected.Reason))));

    public static readonly MessageFormat PayloadOffer = MessageFormat.Of<PayloadOffer>("po", 1,
        static (w, m, _) =>
        {
            WriteHeader(w, w.Required(m.Header, nameof(m.Header)));
            w.WriteString(m.Host, nameof(m.Host));
            w.WriteInt32(m.Port);
            w.WriteBytes(w.Required(m.Token, nameof(m.Token)));
        },
        static r => new PayloadOffer(
            ReadHeader(r),
            Host: r.ReadString(nameof(Transfer.PayloadOffer.Host)),
            Port: r.ReadInt32(nameof(Transfer.PayloadOffer.Port), 1, 65535),
            Token: ReadToken(r, nameof(Transfer.PayloadOffer.Token))));

    public static readonly MessageFormat PayloadOfferTaken = MessageFormat.Of<PayloadOfferTaken>("pt", 1,
        static (w, m, _) => w.WriteInt64(m.TransferId),
        static r => new PayloadOfferTaken(r.ReadInt64(nameof(Transfer.PayloadOfferTaken.TransferId))));

    public static readonly MessageFormat PayloadOfferFailed = MessageFormat.Of<PayloadOfferFailed>("pf", 1,
        static (w, m, _) =>
        {
            w.WriteInt64(m.TransferId);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new PayloadOfferFailed(
            TransferId: r.ReadInt64(nameof(Transfer.PayloadOfferFailed.TransferId)),
            Reason: r.ReadString(nameof(Transfer.PayloadOfferFailed.Reason))));

    public static readonly MessageFormat LaneRequest = MessageFormat.Of<LaneRequest>("lq", 1,
        static (w, m, _) => w.WriteInt64(m.Attempt),
        static r => new LaneRequest(r.ReadInt64(nameof(Transfer.LaneRequest.Attempt))));

    public static readonly MessageFormat LaneInvitation = MessageFormat.Of<LaneInvitation>("li", 1,
        static (w, m, _) =>
        {
            w.WriteInt64(m.Attempt);
            w.WriteString(m.Host, nameof(m.Host));
            w.WriteInt32(m.Port);
            w.WriteBytes(w.Required(m.Token, nameof(m.Token)));
        },
        static r => new LaneInvitation(
            Attempt: r.ReadInt64(nameof(Transfer.LaneInvitation.Attempt)),
            Host: r.ReadString(nameof(Transfer.LaneInvitation.Host)),
            Port: r.ReadInt32(nameof(Transfer.LaneInvitation.Port), 1, 65535),
            Token: ReadToken(r, nameof(Transfer.LaneInvitation.Token))));

    public static readonly MessageFormat LaneDeclined = MessageFormat.Of<LaneDeclined>("ld", 1,
        static (w, m, _) =>
        {
            w.WriteInt64(m.Attempt);
            w.WriteString(m.Reason, nameof(m.Reason));
        },
        static r => new LaneDeclined(
            Attempt: r.ReadInt64(nameof(Transfer.LaneDeclined.Attempt)),
            Reason: r.ReadString(nameof(Transfer.LaneDeclined.Reason))));

    private static void WriteHeader(WireWriter w, PayloadHeader header)
    {
        w.WriteInt64(header.TransferId);
        w.WriteInt32(header.ChunkSize);
        w.WriteInt32(header.TotalLength);
        w.WriteUInt32(header.Checksum);
        w.WriteString(header.Manifest, "Header.Manifest");
        w.WriteActorRef(w.Required(header.Recipient, "Header.Recipient"), "Header.Recipient");
        w.WriteActorRef(header.ReplyTo, "Header.ReplyTo");
    }

    private static PayloadHeader ReadHeader(WireReader r) => new(
        TransferId: r.ReadInt64("Header.TransferId"),
        ChunkSize: r.ReadInt32("Header.ChunkSize", 1, int.MaxValue),
        TotalLength: r.ReadInt32("Header.TotalLength", 1, int.MaxValue),
        Checksum: r.ReadUInt32("Header.Checksum"),
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
