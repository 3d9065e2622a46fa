using System.Buffers.Binary;
using System.Numerics;

namespace AttnRnnCluster.Shared.Transfer;

/// <summary>
/// CRC-32C (Castagnoli) of a payload, standard form (initial and final inversion; "123456789" → 0xE3069283).
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> uses the CPU's crc32 instruction where there is one, which
/// keeps checking a 64 MB payload to a few milliseconds.
/// </summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        var i = 0;
        for (; i + sizeof(ulong) <= bytes.Length; i += sizeof(ulong))
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i)));
        for (; i < bytes.Length; i++)
            crc = BitOperations.Crc32C(crc, bytes[i]);
        return ~crc;
    }
}
