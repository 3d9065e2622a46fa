namespace AttnRnnCluster.Transport;

/// <summary>
/// Reassembles one transfer. Every chunk must carry the same header as the first, a valid index and exactly the
/// length its index implies; when the last one arrives the whole payload's CRC-32C must match the header's.
/// Memory grows with the chunks that really arrive, never with what the header announces: the payload is kept in
/// pages of about <see cref="PageBytes"/> (whole chunks each), each allocated when its first chunk comes, with the
/// record of received chunks beside it; a payload of one page is delivered as that page, a larger one is joined
/// into one array at the end. A header announcing a gigabyte costs a few objects until its bytes come.
/// </summary>
public sealed class PayloadAssembly
{
    /// <summary>About the size of a page: small enough that a forged header costs little, large enough that few are needed.</summary>
    public const int PageBytes = 1 << 20;

    private readonly int _chunksPerPage;
    private readonly byte[]?[] _pages;
    private readonly ulong[]?[] _receivedByPage;
    private int _receivedCount;

    private PayloadAssembly(PayloadHeader header)
    {
        Header = header;
        var layout = header.Layout;
        _chunksPerPage = Math.Max(1, PageBytes / header.ChunkSize);
        var pageCount = (layout.Count + _chunksPerPage - 1) / _chunksPerPage;
        _pages = new byte[pageCount][];
        _receivedByPage = new ulong[pageCount][];
        Count = layout.Count;
    }

    /// <summary>A new assembly for <paramref name="header"/>, or null with the reason it cannot be one.</summary>
    public static PayloadAssembly? Start(PayloadHeader header, long maxPayloadBytes, out string? problem)
    {
        problem = header.Layout.Problem(maxPayloadBytes);
        return problem == null ? new PayloadAssembly(header) : null;
    }

    public PayloadHeader Header { get; }

    public int ReceivedCount => _receivedCount;

    public int Count { get; }

    public ChunkReceipt Add(PayloadChunk chunk)
    {
        if (chunk.Header != Header)
            return ChunkReceipt.Rejected($"chunk {chunk.Index}'s header {chunk.Header} differs from the transfer's {Header}");
        var layout = Header.Layout;
        if (chunk.Index < 0 || chunk.Index >= Count)
            return ChunkReceipt.Rejected($"chunk index {chunk.Index} is outside 0..{Count - 1}");
        if (chunk.Bytes.Length != layout.Length(chunk.Index))
            return ChunkReceipt.Rejected($"chunk {chunk.Index} has {chunk.Bytes.Length} bytes, expected {layout.Length(chunk.Index)}");

        var page = chunk.Index / _chunksPerPage;
        var inPage = chunk.Index % _chunksPerPage;
        var received = _receivedByPage[page] ??= new ulong[(ChunksIn(page) + 63) / 64];
        var bit = 1UL << (inPage % 64);
        if ((received[inPage / 64] & bit) != 0)
            return ChunkReceipt.Duplicate;

        var pageBytes = _pages[page] ??= GC.AllocateUninitializedArray<byte>(PageLength(page));
        chunk.Bytes.Span.CopyTo(pageBytes.AsSpan(inPage * Header.ChunkSize));
        received[inPage / 64] |= bit;
        _receivedCount++;
        if (_receivedCount < Count)
            return ChunkReceipt.Accepted;

        var payload = Join();
        var checksum = Crc32C.Compute(payload);
        return checksum == Header.Checksum
            ? new ChunkReceipt(ChunkStatus.Completed, Payload: payload)
            : ChunkReceipt.Rejected($"checksum of the {Header.TotalLength} reassembled bytes is {checksum:x8}, the sender's is {Header.Checksum:x8}");
    }

    private int ChunksIn(int page) => Math.Min(_chunksPerPage, Count - page * _chunksPerPage);

    private int PageLength(int page)
    {
        var start = (long)page * _chunksPerPage * Header.ChunkSize;
        return (int)Math.Min((long)_chunksPerPage * Header.ChunkSize, Header.TotalLength - start);
    }

    private byte[] Join()
    {
        if (_pages.Length == 1)
            return _pages[0]!;
        var payload = GC.AllocateUninitializedArray<byte>(Header.TotalLength);
        var offset = 0;
        foreach (var page in _pages)
        {
            page!.CopyTo(payload, offset);
            offset += page.Length;
        }
        return payload;
    }
}
