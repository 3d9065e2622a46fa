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

    [Fact]
    public void Rounding_in_place_gives_what_narrowing_then_widening_gives()
    {
        // The same spread of bit patterns (NaNs, infinities, ties, subnormals among them), an odd count for the scalar tail.
        var values = Enumerable.Range(0, 1_000_003).Select(i => BitConverter.UInt32BitsToSingle((uint)(i * 4294.967291))).ToArray();
        var bytes = new byte[values.Length * 2];
        BFloat16.Narrow(values, bytes);
        var widened = new float[values.Length];
        BFloat16.Widen(bytes, widened);

        BFloat16.Round(values);

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(widened[i]), BitConverter.SingleToUInt32Bits(values[i]));
            Assert.True(BFloat16.IsExact(values[i]));
        }
    }

    [Theory]
    [InlineData(3.3895314e38f, 3.3895314e38f)]            // bf16's largest finite value stays
    [InlineData(3.4e38f, float.PositiveInfinity)]          // above it, round to nearest gives infinity
    [InlineData(-float.MaxValue, float.NegativeInfinity)]
    [InlineData(1.00390625f, 1f)]                          // 1 + 2^-8, a tie, rounds to even
    [InlineData(1.01171875f, 1.015625f)]                   // 1 + 3·2^-8, a tie, rounds up to even
    public void Rounding_in_place_keeps_bf16_values_and_overflows_to_infinity(float value, float expected)
    {
        // Eight copies reach the vector loop, the ninth the scalar tail: both must agree.
        var values = Enumerable.Repeat(value, 9).ToArray();

        BFloat16.Round(values);

        Assert.All(values, v => Assert.Equal(expected, v));
    }
}
