using AttnRnnCluster.Shared.Transfer;

namespace AttnRnnCluster.Shared.Serialization;

/// <summary>
/// Layouts of the chunked-transfer messages. A chunk's bytes are read as a slice of the received buffer, so the
/// only copy on the receiving side is into the reassembled payload.
/// </summary>
internal static class TransferFormats
{
    public static readonly MessageFormat PayloadChunk = MessageFormat.Of<PayloadChunk>("pc", 1,
        static (w, m, _) =>
        {
            var header = w.Required(m.Header, nameof(m.Header));
            w.WriteInt64(header.TransferId);
            w.WriteInt32(header.ChunkSize);
            w.WriteInt32(header.TotalLength);
            w.WriteUInt32(header.Checksum);
            w.WriteString(header.Manifest, "Header.Manifest");
            w.WriteActorRef(w.Required(header.Recipient, "Header.Recipient"), "Header.Recipient");
            w.WriteActorRef(header.ReplyTo, "Header.ReplyTo");
            w.WriteInt32(m.Index);
            w.WriteBytes(m.Bytes.Span);
        },
        static r =>
        {
            var header = new PayloadHeader(
                TransferId: r.ReadInt64("Header.TransferId"),
                ChunkSize: r.ReadInt32("Header.ChunkSize", 1, int.MaxValue),
                TotalLength: r.ReadInt32("Header.TotalLength", 1, int.MaxValue),
                Checksum: r.ReadUInt32("Header.Checksum"),
                Manifest: r.ReadString("Header.Manifest"),
                Recipient: r.ReadActorRef("Header.Recipient") ?? throw r.Malformed("Header.Recipient", "is empty, expected an actor path"),
                ReplyTo: r.ReadActorRef("Header.ReplyTo"));
            return new PayloadChunk(header, r.ReadInt32(nameof(Transfer.PayloadChunk.Index), 0, int.MaxValue), r.ReadBytes(nameof(Transfer.PayloadChunk.Bytes)));
        });

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
}
