using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Shared.Tests.Protocol;

public sealed class BFloat16Tests
{
    [Theory]
    [InlineData(0x3F80_0000u, (ushort)0x3F80)] // 1.0: exact
    [InlineData(0x3F80_7FFFu, (ushort)0x3F80)] // just below half an ulp: down
    [InlineData(0x3F80_8000u, (ushort)0x3F80)] // tie, even below: down
    [InlineData(0x3F81_8000u, (ushort)0x3F82)] // tie, odd below: up to even
    [InlineData(0x3F80_8001u, (ushort)0x3F81)] // just above half an ulp: up
    [InlineData(0xBF80_C000u, (ushort)0xBF81)] // negative rounds by magnitude
    [InlineData(0x7F7F_FFFFu, (ushort)0x7F80)] // float.MaxValue overflows to +inf, as round-to-nearest must
    [InlineData(0xFF80_0000u, (ushort)0xFF80)] // -inf stays
    [InlineData(0x8000_0000u, (ushort)0x8000)] // -0 stays
    [InlineData(0x0000_0001u, (ushort)0x0000)] // the smallest subnormal rounds to 0
    public void Rounds_to_nearest_even(uint floatBits, ushort expected) =>
        Assert.Equal(expected, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(floatBits)));

    [Theory]
    [InlineData(0x7FC0_0000u)]
    [InlineData(0x7F80_0001u)] // a signalling NaN whose payload sits in the bits rounding drops
    [InlineData(0xFFFF_FFFFu)] // rounding would carry this into the sign-exponent bits
    public void NaN_stays_NaN(uint floatBits) =>
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(floatBits)))));

    [Fact]
    public void Bulk_narrowing_and_widening_match_the_scalar_definition()
    {
        // 1,000,003 bit patterns spread over all 2^32 (odd count: the vector loop's scalar tail runs too).
        var values = Enumerable.Range(0, 1_000_003).Select(i => BitConverter.UInt32BitsToSingle((uint)(i * 4294.967291))).ToArray();
        var bytes = new byte[values.Length * 2];

        BFloat16.Narrow(values, bytes);
        var widened = new float[values.Length];
        BFloat16.Widen(bytes, widened);

        for (var i = 0; i < values.Length; i++)
        {
            var expected = BFloat16.FromSingle(values[i]);
            Assert.Equal(expected, BitConverter.ToUInt16(bytes, 2 * i));
            Assert.Equal(BitConverter.SingleToUInt32Bits(BFloat16.ToSingle(expected)), BitConverter.SingleToUInt32Bits(widened[i]));
        }
    }
}
