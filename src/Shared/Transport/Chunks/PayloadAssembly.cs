namespace AttnRnnCluster.Transport;

/// <summary>
/// Reassembles one transfer. Every chunk must carry the same header as the first, a valid index and exactly the
/// length its index implies; when the last one arrives the whole payload's CRC-32C must match the header's.
/// </summary>
public sealed class PayloadAssembly
{
    private readonly byte[] _payload;
    private readonly bool[] _received;
    private int _receivedCount;

    private PayloadAssembly(PayloadHeader header)
    {
        Header = header;
        _payload = GC.AllocateUninitializedArray<byte>(header.TotalLength);
        _received = new bool[header.Layout.Count];
    }

    /// <summary>A new assembly for <paramref name="header"/>, or null with the reason it cannot be one.</summary>
    public static PayloadAssembly? Start(PayloadHeader header, long maxPayloadBytes, out string? problem)
    {
        problem = header.Layout.Problem(maxPayloadBytes);
        return problem == null ? new PayloadAssembly(header) : null;
    }

    public PayloadHeader Header { get; }

    public int ReceivedCount => _receivedCount;

    public int Count => _received.Length;

    public ChunkReceipt Add(PayloadChunk chunk)
    {
        if (chunk.Header != Header)
            return ChunkReceipt.Rejected($"chunk {chunk.Index}'s header {chunk.Header} differs from the transfer's {Header}");
        var layout = Header.Layout;
        if (chunk.Index < 0 || chunk.Index >= layout.Count)
            return ChunkReceipt.Rejected($"chunk index {chunk.Index} is outside 0..{layout.Count - 1}");
        if (chunk.Bytes.Length != layout.Length(chunk.Index))
            return ChunkReceipt.Rejected($"chunk {chunk.Index} has {chunk.Bytes.Length} bytes, expected {layout.Length(chunk.Index)}");
        if (_received[chunk.Index])
            return ChunkReceipt.Duplicate;

        chunk.Bytes.Span.CopyTo(_payload.AsSpan(layout.Offset(chunk.Index)));
        _received[chunk.Index] = true;
        _receivedCount++;
        if (_receivedCount < Count)
            return ChunkReceipt.Accepted;

        var checksum = Crc32C.Compute(_payload);
        return checksum == Header.Checksum
            ? new ChunkReceipt(ChunkStatus.Completed, Payload: _payload)
            : ChunkReceipt.Rejected($"checksum of the {Header.TotalLength} reassembled bytes is {checksum:x8}, the sender's is {Header.Checksum:x8}");
    }
}
