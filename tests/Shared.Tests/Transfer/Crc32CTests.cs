using System.Text;
using AttnRnnCluster.Shared.Transfer;

namespace AttnRnnCluster.Shared.Tests.Transfer;

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
