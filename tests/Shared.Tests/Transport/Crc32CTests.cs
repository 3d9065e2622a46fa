using System.Text;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Matches_a_bitwise_reference_for_every_length_and_alignment()
    {
        var bytes = Enumerable.Range(0, 70).Select(i => (byte)(i * 37 + 11)).ToArray();

        for (var start = 0; start < 8; start++)
        {
            for (var length = 0; start + length <= bytes.Length; length++)
            {
                var span = bytes.AsSpan(start, length);
                Assert.Equal(BitwiseReference(span), Crc32C.Compute(span));
            }
        }
    }

    [Fact]
    public void Changes_when_any_single_bit_flips()
    {
        var bytes = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var original = Crc32C.Compute(bytes);

        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(original, Crc32C.Compute(bytes));
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Fact]
    public void Long_inputs_computed_in_interleaved_blocks_match_the_reference()
    {
        var bytes = new byte[200_003];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)((i * 2654435761u) >> 13);

        foreach (var length in new[] { 24_575, 24_576, 24_577, 49_152 + 9, bytes.Length })
            Assert.Equal(BitwiseReference(bytes.AsSpan(0, length)), Crc32C.Compute(bytes.AsSpan(0, length)));
    }

    [Fact]
    public void Checksums_of_pieces_joined_equal_the_checksum_of_the_whole()
    {
        var bytes = new byte[(1 << 20) + 13];
        new Random(13).NextBytes(bytes);
        var serial = Crc32C.Compute(bytes.AsSpan());

        // Lengths that do not divide evenly, pieces shorter and longer than the interleaved blocks.
        foreach (var pieces in new[] { 1, 2, 3, 7, 64 })
            Assert.Equal(serial, Crc32C.ComputeInPieces(bytes, pieces));
        Assert.Equal(serial, Crc32C.ComputeInParallel(bytes));
    }

    [Fact]
    public void Large_payloads_checked_on_all_cores_get_the_serial_checksum()
    {
        // 8 MiB and up are split into one piece per core (none on a one-core machine).
        var bytes = new byte[(20 << 20) + 13];
        new Random(20).NextBytes(bytes);

        Assert.Equal(Crc32C.Compute(bytes.AsSpan()), Crc32C.ComputeInParallel(bytes));
    }

    [Fact]
    public void Appending_piece_by_piece_gives_the_checksum_of_the_whole()
    {
        var bytes = new byte[150_000];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 7 + (i >> 9));

        foreach (var pieceLength in new[] { 1, 1000, 24_576, 30_001, 65_536 })
        {
            var checksum = 0u;
            for (var offset = 0; offset < bytes.Length; offset += pieceLength)
                checksum = Crc32C.Append(checksum, bytes.AsSpan(offset, Math.Min(pieceLength, bytes.Length - offset)));
            Assert.Equal(Crc32C.Compute(bytes), checksum);
        }
        Assert.Equal(BitwiseReference(bytes), Crc32C.Compute(bytes));
    }

    /// <summary>The textbook definition: reflected polynomial 0x82F63B78, one bit at a time.</summary>
    private static uint BitwiseReference(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }
}
