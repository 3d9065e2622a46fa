using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Transfer headers that announce far more than they carry, decoded from their bytes as the receiver gets them and
/// handed to the receiver's <see cref="IncomingTransfers"/> with the node's default limits: what they cost the node.
/// </summary>
public sealed class HostileTransferTests(WireSystemFixture wire) : IClassFixture<WireSystemFixture>
{
    private const long MiB = 1 << 20;

    [Fact]
    public void A_thousand_hostile_200_byte_transfer_headers_allocate_less_than_64_MiB()
    {
        var settings = TransferSettings.Default;
        var budget = IncomingBudget.For(settings);
        var transfers = IncomingTransfers.For(settings, budget);
        var encoded = Enumerable.Range(0, 1000).Select(Hostile).ToList();
        var serializer = wire.SerializerFor(Chunk(0, total: 1024, index: 0, length: 1024));
        Assert.All(encoded, e => Assert.InRange(e.Bytes.Length, 50, 300));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var receipts = encoded.Select(e =>
        {
            var chunk = (PayloadChunk)serializer.FromBinary(e.Bytes, e.Manifest);
            return transfers.Add(e.Sender, e.Peer, chunk, nowMilliseconds: 0);
        }).ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 64 * MiB, $"1000 hostile headers allocated {allocated / MiB} MiB");
        Assert.InRange(budget.Reserved, 0, settings.MaxIncomingBytes);
        Assert.Contains(receipts, r => r.Status == ChunkStatus.Rejected && r.Problem!.Contains("chunk size 1 is below 1024"));
        Assert.Contains(receipts, r => r.Status == ChunkStatus.Rejected && r.Problem!.Contains("over its limit of 268435456"));
        Assert.Contains(receipts, r => r.Status == ChunkStatus.Accepted);
    }

    [Fact]
    public void A_transfer_over_a_peers_share_is_refused_before_anything_is_allocated_and_a_finished_one_gives_its_share_back()
    {
        var budget = new IncomingBudget(totalBytes: 4 * MiB, perPeerBytes: 2 * MiB);
        var transfers = new IncomingTransfers(maxPayloadBytes: 1L << 30, TimeSpan.FromSeconds(60), budget);

        var big = transfers.Add("a/x", "node-a", Chunk(id: 1, total: (int)(2 * MiB) + 1, index: 0, length: 1024), 0);
        var first = transfers.Add("a/x", "node-a", Chunk(id: 2, total: 2048, index: 0, length: 1024), 0);
        var second = transfers.Add("a/x", "node-a", Chunk(id: 3, total: (int)(2 * MiB) - 2048, index: 0, length: 1024), 0);

        Assert.Equal(ChunkStatus.Rejected, big.Status);
        Assert.Contains("over its limit of 2097152", big.Problem);
        Assert.Equal(ChunkStatus.Accepted, first.Status);
        Assert.Equal(ChunkStatus.Accepted, second.Status);
        Assert.Equal(2 * MiB, budget.Reserved);
        Assert.Equal(ChunkStatus.Rejected, transfers.Add("a/x", "node-a", Chunk(id: 4, total: 1024, index: 0, length: 1024), 0).Status);
        Assert.Equal(ChunkStatus.Accepted, transfers.Add("b/x", "node-b", Chunk(id: 4, total: 4096, index: 0, length: 1024), 0).Status);

        Assert.Equal([2L, 3L, 4L], transfers.Expire(nowMilliseconds: 60_000).Select(s => s.Header.TransferId).Order());
        Assert.Equal(0, budget.Reserved);
    }

    [Fact]
    public void The_total_budget_holds_across_peers()
    {
        var budget = new IncomingBudget(totalBytes: 4 * MiB, perPeerBytes: 2 * MiB);

        Assert.Null(budget.TryReserve("a", 2 * MiB));
        Assert.Null(budget.TryReserve("b", 2 * MiB));
        Assert.Contains("over the limit of 4194304", budget.TryReserve("c", 1));
        budget.Release("a", 2 * MiB);
        Assert.Null(budget.TryReserve("c", 1));
    }

    [Fact]
    public void Tombstones_of_finished_transfers_are_capped()
    {
        var transfers = new IncomingTransfers(maxPayloadBytes: 1L << 30, TimeSpan.FromSeconds(60), new IncomingBudget(1L << 40, 1L << 40));

        for (var id = 0; id < 3 * IncomingTransfers.MaxTombstones; id++)
            transfers.Add("a/x", "node-a", Chunk(id, total: 1 << 30, index: 0, length: 10), id);

        Assert.InRange(transfers.EntryCount, 1, IncomingTransfers.MaxTombstones);
    }

    [Fact]
    public void A_peer_may_have_only_so_many_transfers_under_way()
    {
        var transfers = new IncomingTransfers(maxPayloadBytes: 1L << 30, TimeSpan.FromSeconds(60), new IncomingBudget(1L << 40, 1L << 40));

        var receipts = Enumerable.Range(0, IncomingTransfers.MaxActivePerPeer + 1)
            .Select(id => transfers.Add("a/x", "node-a", Chunk(id, total: 4096, index: 0, length: 1024), 0)).ToList();

        Assert.All(receipts[..^1], r => Assert.Equal(ChunkStatus.Accepted, r.Status));
        Assert.Contains($"node-a already has {IncomingTransfers.MaxActivePerPeer} transfers under way", receipts[^1].Problem);
    }

    /// <summary>
    /// Hostile header number <paramref name="i"/>, from one of 50 nodes: a 1 GiB payload in chunks of one byte (a
    /// gigabyte and a bool per chunk, allocated at once, before), or 200 MiB in 64 KiB chunks with only its short last
    /// chunk sent (within a peer's share: it is reserved, and must cost no more than the page that chunk lands in).
    /// </summary>
    private (byte[] Bytes, string Manifest, string Sender, string Peer) Hostile(int i)
    {
        var peer = $"akka.tcp://attnrnn@10.0.{i % 50}.1:4053";
        var chunk = i % 2 == 0
            ? Chunk(i, total: 1 << 30, index: 0, length: 1, chunkSize: 1)
            : Chunk(i, total: (int)(200 * MiB) + 100, index: (int)(200 * MiB / 65536), length: 100, chunkSize: 65536);
        var serializer = wire.SerializerFor(chunk);
        return (serializer.ToBinary(chunk), serializer.Manifest(chunk), $"{peer}/system/payload-transfer-{i}#1", peer);
    }

    private PayloadChunk Chunk(long id, int total, int index, int length, int chunkSize = 1024) =>
        new(new PayloadHeader(id, chunkSize, total, Checksum: 7, ProtocolSerializer.SerializerId, "wu", wire.SomeActor, null), index, new byte[length]);
}
