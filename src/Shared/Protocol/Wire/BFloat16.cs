using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// float32 ↔ bfloat16 (the upper 16 bits of a float32). Narrowing rounds to nearest, ties to even, like
/// PyTorch's <c>.to(torch.bfloat16)</c>; NaN stays a (quiet) NaN; widening is exact.
/// </summary>
public static class BFloat16
{
    private const uint SignlessMask = 0x7FFF_FFFF;
    private const uint Infinity = 0x7F80_0000;
    private const uint QuietBit = 0x0040;

    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & SignlessMask) > Infinity)
            return (ushort)((bits >> 16) | QuietBit); // rounding could carry a NaN's payload into infinity
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    public static float ToSingle(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    /// <summary>Writes <paramref name="source"/> as little-endian bf16 into <paramref name="destination"/> (2 bytes a value).</summary>
    public static void Narrow(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (destination.Length < source.Length * 2)
            throw new ArgumentException("destination holds fewer than 2 bytes per value", nameof(destination));
        var done = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var bits = MemoryMarshal.Cast<float, uint>(source);
            var output = MemoryMarshal.Cast<byte, ushort>(destination);
            for (; done + 2 * Vector256<uint>.Count <= bits.Length; done += 2 * Vector256<uint>.Count)
            {
                var low = NarrowVector(Vector256.Create(bits.Slice(done, Vector256<uint>.Count)));
                var high = NarrowVector(Vector256.Create(bits.Slice(done + Vector256<uint>.Count, Vector256<uint>.Count)));
                Vector256.Narrow(low, high).CopyTo(output.Slice(done));
            }
        }
        for (; done < source.Length; done++)
            BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(done * 2), FromSingle(source[done]));
    }

    /// <summary>Reads little-endian bf16 values (2 bytes each) from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Widen(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length < destination.Length * 2)
            throw new ArgumentException("source holds fewer than 2 bytes per value", nameof(source));
        var done = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var input = MemoryMarshal.Cast<byte, ushort>(source);
            var output = MemoryMarshal.Cast<float, uint>(destination);
            for (; done + Vector256<ushort>.Count <= destination.Length; done += Vector256<ushort>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(input.Slice(done, Vector256<ushort>.Count)));
                Vector256.ShiftLeft(low, 16).CopyTo(output.Slice(done));
                Vector256.ShiftLeft(high, 16).CopyTo(output.Slice(done + Vector256<uint>.Count));
            }
        }
        for (; done < destination.Length; done++)
            destination[done] = ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(done * 2)));
    }

    /// <summary>
    /// Rounds every value in place to the nearest bf16 (ties to even), kept as float32: exactly what <see cref="Narrow"/>
    /// then <see cref="Widen"/> would give, without the bytes. A sender rounds what it sends this way, so that a recipient
    /// in its own process (which gets the array itself, never encoded) sees the very values a remote one decodes.
    /// </summary>
    public static void Round(Span<float> values)
    {
        var bits = MemoryMarshal.Cast<float, uint>(values);
        var done = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; done + Vector256<uint>.Count <= bits.Length; done += Vector256<uint>.Count)
            {
                var slice = bits.Slice(done, Vector256<uint>.Count);
                Vector256.ShiftLeft(NarrowVector(Vector256.Create(slice)), 16).CopyTo(slice);
            }
        }
        for (; done < values.Length; done++)
            values[done] = ToSingle(FromSingle(values[done]));
    }

    /// <summary>Whether <paramref name="value"/> is a bf16 value (its lower 16 bits are zero): what <see cref="Round"/> leaves.</summary>
    public static bool IsExact(float value) => (BitConverter.SingleToUInt32Bits(value) & 0xFFFF) == 0;

    /// <summary><see cref="FromSingle"/> on 8 lanes; the result's upper halves are zero so Narrow can pack them.</summary>
    private static Vector256<uint> NarrowVector(Vector256<uint> bits)
    {
        var isNaN = Vector256.GreaterThan(bits & Vector256.Create(SignlessMask), Vector256.Create(Infinity));
        var quieted = Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(QuietBit);
        var lsb = Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One;
        var rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + lsb, 16);
        return Vector256.ConditionalSelect(isNaN, quieted, rounded);
    }
}
