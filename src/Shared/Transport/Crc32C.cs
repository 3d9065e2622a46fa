using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// CRC-32C (Castagnoli) of a payload, standard form (initial and final inversion; "123456789" → 0xE3069283).
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the CPU's crc32 instruction where there is one. That
/// instruction takes 3 cycles before its result can feed the next one but can start one every cycle, so long
/// inputs are checked as three interleaved streams whose checksums are then combined (as zlib's crc32_combine
/// does): a 64 MB payload in a few milliseconds. The loops are compiled optimized from the first call: tiered
/// compilation would run a transfer's first few thousand blocks unoptimized, several times slower.
/// </summary>
public static class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    private const uint Polynomial = 0x82F63B78;

    /// <summary>Bytes of each of the three interleaved streams per block.</summary>
    private const int StreamLength = 8 * 1024;

    /// <summary>x^(8 × StreamLength) mod P: what shifting a checksum past one stream's bytes multiplies it by.</summary>
    private static readonly uint ShiftByStream = PowerOfX(8L * StreamLength);

    public static uint Compute(ReadOnlySpan<byte> bytes) => Append(0, bytes);

    /// <summary>
    /// The same checksum, with a large payload split into one piece per core (<see cref="CoreSplit"/>): a sender
    /// checks its payload before the first byte can leave, and a receiver after the last one arrived, while the
    /// other cores are idle.
    /// </summary>
    public static uint ComputeInParallel(byte[] bytes) => ComputeInPieces(bytes, CoreSplit.Pieces(bytes.Length));

    /// <summary>The same checksum, from <paramref name="pieces"/> pieces computed side by side and joined.</summary>
    public static uint ComputeInPieces(byte[] bytes, int pieces)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 1);
        if (pieces == 1)
            return Compute(bytes);
        var pieceLength = bytes.Length / pieces;
        int LengthOf(int piece) => piece == pieces - 1 ? bytes.Length - piece * pieceLength : pieceLength;
        var checksums = new uint[pieces];
        Parallel.For(0, pieces, piece => checksums[piece] = Compute(bytes.AsSpan(piece * pieceLength, LengthOf(piece))));
        var joined = checksums[0];
        for (var piece = 1; piece < pieces; piece++)
            joined = Join(joined, checksums[piece], LengthOf(piece));
        return joined;
    }

    /// <summary>crc(X ‖ Y) from crc(X), crc(Y) and |Y| (zlib's crc32_combine): crc(X) × x^(8|Y|) ⊕ crc(Y).</summary>
    private static uint Join(uint first, uint second, long secondLength) => MultiplyModP(PowerOfX(8 * secondLength), first) ^ second;

    /// <summary>
    /// The checksum of the bytes <paramref name="checksum"/> was computed over followed by <paramref name="bytes"/>
    /// (zlib's convention: start from 0), so a stream can be checked piece by piece as it arrives.
    /// </summary>
    public static uint Append(uint checksum, ReadOnlySpan<byte> bytes)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (; bytes.Length >= 3 * StreamLength; bytes = bytes.Slice(3 * StreamLength))
                checksum = AppendBlock(checksum, bytes);
        }
        return AppendSerially(checksum, bytes);
    }

    /// <summary>The first 3 × <see cref="StreamLength"/> bytes, as three streams computed side by side and then joined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendBlock(uint checksum, ReadOnlySpan<byte> bytes)
    {
        var first = MemoryMarshal.Cast<byte, ulong>(bytes.Slice(0, StreamLength));
        var second = MemoryMarshal.Cast<byte, ulong>(bytes.Slice(StreamLength, StreamLength));
        var third = MemoryMarshal.Cast<byte, ulong>(bytes.Slice(2 * StreamLength, StreamLength));
        uint a = ~checksum, b = uint.MaxValue, c = uint.MaxValue;
        for (var i = 0; i < first.Length; i++)
        {
            a = BitOperations.Crc32C(a, first[i]);
            b = BitOperations.Crc32C(b, second[i]);
            c = BitOperations.Crc32C(c, third[i]);
        }
        // crc(X ‖ Y) = crc(X) × x^(8|Y|) ⊕ crc(Y), in standard form.
        var joined = MultiplyModP(ShiftByStream, ~a) ^ ~b;
        return MultiplyModP(ShiftByStream, joined) ^ ~c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendSerially(uint checksum, ReadOnlySpan<byte> bytes)
    {
        var crc = ~checksum;
        var i = 0;
        for (; i + sizeof(ulong) <= bytes.Length; i += sizeof(ulong))
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i)));
        for (; i < bytes.Length; i++)
            crc = BitOperations.Crc32C(crc, bytes[i]);
        return ~crc;
    }

    /// <summary>a(x) × b(x) mod P(x), polynomials in the reflected bit order of the checksum (zlib's multmodp).</summary>
    private static uint MultiplyModP(uint a, uint b)
    {
        var product = 0u;
        for (var bit = 1u << 31; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0)
                product ^= b;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
        return product;
    }

    /// <summary>x^<paramref name="exponent"/> mod P(x), by repeated squaring.</summary>
    private static uint PowerOfX(long exponent)
    {
        var result = 1u << 31; // x^0
        var square = 1u << 30; // x^1
        for (; exponent != 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
                result = MultiplyModP(square, result);
            square = MultiplyModP(square, square);
        }
        return result;
    }
}
