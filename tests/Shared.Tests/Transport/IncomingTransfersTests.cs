using Akka.Actor;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class IncomingTransfersTests
{
    private const int ChunkSize = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly byte[] Payload = Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Reassembles_chunks_in_any_order_after_verifying_the_checksum()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);
        int[] order = [3, 0, 6, 1, 5, 2, 4];

        var receipts = order.Select(i => transfers.Add("sender", "peer", chunks[i], 0)).ToList();

        Assert.All(receipts[..^1], r => Assert.Equal(ChunkStatus.Accepted, r.Status));
        Assert.Equal(ChunkStatus.Completed, receipts[^1].Status);
        Assert.Equal(Payload, receipts[^1].Payload);
        Assert.Equal(0, transfers.ActiveCount);
    }

    [Fact]
    public void A_duplicate_chunk_is_reported_and_the_first_copy_stands()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);

        transfers.Add("sender", "peer", chunks[0], 0);
        var duplicate = transfers.Add("sender", "peer", chunks[0] with { Bytes = new byte[ChunkSize] }, 0);
        var last = chunks.Skip(1).Select(c => transfers.Add("sender", "peer", c, 0)).ToList()[^1];

        Assert.Equal(ChunkStatus.Duplicate, duplicate.Status);
        Assert.Equal(Payload, last.Payload);
    }

    [Fact]
    public void A_corrupted_byte_fails_the_checksum_and_later_chunks_are_ignored()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);
        var damaged = chunks[2].Bytes.ToArray();
        damaged[5] ^= 1;
        chunks[2] = chunks[2] with { Bytes = damaged };

        var receipts = chunks.Select(c => transfers.Add("sender", "peer", c, 0)).ToList();
        var straggler = transfers.Add("sender", "peer", chunks[0], 1);

        Assert.Equal(ChunkStatus.Rejected, receipts[^1].Status);
        Assert.Contains($"the sender's is {Crc32C.Compute(Payload):x8}", receipts[^1].Problem);
        Assert.Equal(ChunkStatus.Ignored, straggler.Status);
    }

    [Theory]
    [InlineData(7, 4, "chunk index 7 is outside 0..6")]
    [InlineData(-1, 4, "chunk index -1 is outside 0..6")]
    [InlineData(2, 15, "chunk 2 has 15 bytes, expected 16")]
    [InlineData(6, 16, "chunk 6 has 16 bytes, expected 4")]
    public void A_chunk_with_a_wrong_index_or_length_rejects_the_transfer(int index, int length, string problem)
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);
        transfers.Add("sender", "peer", chunks[0], 0);

        var receipt = transfers.Add("sender", "peer", chunks[0] with { Index = index, Bytes = new byte[length] }, 0);

        Assert.Equal(ChunkStatus.Rejected, receipt.Status);
        Assert.Equal(problem, receipt.Problem);
    }

    [Fact]
    public void A_chunk_whose_header_differs_from_the_first_rejects_the_transfer()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);
        transfers.Add("sender", "peer", chunks[0], 0);

        var receipt = transfers.Add("sender", "peer", chunks[1] with { Header = chunks[1].Header with { Manifest = "sc" } }, 0);

        Assert.Equal(ChunkStatus.Rejected, receipt.Status);
        Assert.Contains("chunk 1's header", receipt.Problem);
        Assert.Contains("differs from the transfer's", receipt.Problem);
    }

    [Fact]
    public void A_payload_above_the_limit_is_rejected_before_anything_is_allocated()
    {
        var transfers = new IncomingTransfers(maxPayloadBytes: 64, Timeout);

        var receipt = transfers.Add("sender", "peer", Split(Payload, transferId: 1)[0], 0);

        Assert.Equal(ChunkStatus.Rejected, receipt.Status);
        Assert.Equal("total length 100 exceeds the limit of 64 bytes", receipt.Problem);
        Assert.Equal(0, transfers.ActiveCount);
    }

    [Fact]
    public void The_same_transfer_id_from_two_senders_are_two_transfers()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);

        foreach (var chunk in chunks[..^1])
        {
            transfers.Add("sender-a", "peer", chunk, 0);
            transfers.Add("sender-b", "peer", chunk, 0);
        }

        Assert.Equal(2, transfers.ActiveCount);
        Assert.Equal(Payload, transfers.Add("sender-a", "peer", chunks[^1], 0).Payload);
        Assert.Equal(Payload, transfers.Add("sender-b", "peer", chunks[^1], 0).Payload);
    }

    [Fact]
    public void A_transfer_quiet_for_the_timeout_is_reported_stalled_and_dropped()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);
        transfers.Add("sender", "peer", chunks[0], nowMilliseconds: 1_000);
        transfers.Add("sender", "peer", chunks[1], nowMilliseconds: 5_000);

        var early = transfers.Expire(nowMilliseconds: 14_999);
        var stalled = transfers.Expire(nowMilliseconds: 15_000);

        Assert.Empty(early);
        var report = Assert.Single(stalled);
        Assert.Equal(("sender", 1L, 2, 7), (report.Sender, report.Header.TransferId, report.ReceivedChunks, report.ChunkCount));
        Assert.Equal(0, transfers.ActiveCount);
        Assert.Equal(ChunkStatus.Accepted, transfers.Add("sender", "peer", chunks[2], 15_001).Status);
    }

    [Fact]
    public void A_finished_transfer_leaves_a_tombstone_that_expires_quietly()
    {
        var transfers = new IncomingTransfers(1 << 20, Timeout);
        var chunks = Split(Payload, transferId: 1);
        foreach (var chunk in chunks)
            transfers.Add("sender", "peer", chunk, 0);

        Assert.Equal(ChunkStatus.Ignored, transfers.Add("sender", "peer", chunks[3], 1).Status);
        Assert.Empty(transfers.Expire(nowMilliseconds: 60_000));
        Assert.Equal(ChunkStatus.Accepted, transfers.Add("sender", "peer", chunks[3], 60_001).Status);
    }

    private static PayloadChunk[] Split(byte[] payload, long transferId)
    {
        var header = new PayloadHeader(transferId, ChunkSize, payload.Length, Crc32C.Compute(payload), ProtocolSerializer.SerializerId, "wu", ActorRefs.Nobody, null);
        return [.. Enumerable.Range(0, header.Layout.Count)
            .Select(i => new PayloadChunk(header, i, payload.AsMemory(header.Layout.Offset(i), header.Layout.Length(i))))];
    }
}
