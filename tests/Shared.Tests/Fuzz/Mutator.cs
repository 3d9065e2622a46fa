using System.Buffers.Binary;

namespace AttnRnnCluster.Shared.Tests.Fuzz;

/// <summary>
/// Seeded damage to valid encodings, as a fuzzer would do it: bit flips, truncations, appended or inserted bytes, a
/// length or count field set to a huge or negative value, or bytes that are random through and through. The same
/// seed gives the same inputs, so a failure names the seed and case that reproduce it.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly int[] HostileInt32s = [int.MaxValue, int.MinValue, -1, -2, 1 << 30, 0x7FFF_FFF0, 0xFFFF, 1 << 24];
    private static readonly long[] HostileInt64s = [long.MaxValue, long.MinValue, -1, 1L << 40, int.MaxValue];

    private readonly Random _random = new(seed);

    public int Next(int max) => _random.Next(max);

    /// <summary>One damaged copy of <paramref name="valid"/>; <paramref name="how"/> says what was done.</summary>
    public byte[] Mutate(byte[] valid, out string how)
    {
        var bytes = valid.ToArray();
        switch (_random.Next(8))
        {
            case 0:
                var flips = 1 + _random.Next(3);
                how = $"{flips} bit flips";
                if (bytes.Length == 0)
                    return bytes;
                for (var i = 0; i < flips; i++)
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                return bytes;
            case 1:
                var length = _random.Next(bytes.Length + 1);
                how = $"truncated to {length} bytes";
                return bytes[..length];
            case 2:
                how = "random bytes appended";
                return [.. bytes, .. Random(1 + _random.Next(16))];
            case 3 when bytes.Length >= 4:
                var at = _random.Next(bytes.Length - 3);
                var value = HostileInt32s[_random.Next(HostileInt32s.Length)];
                how = $"int32 at {at} set to {value}";
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
                return bytes;
            case 4 when bytes.Length >= 8:
                var at64 = _random.Next(bytes.Length - 7);
                var value64 = HostileInt64s[_random.Next(HostileInt64s.Length)];
                how = $"int64 at {at64} set to {value64}";
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at64), value64);
                return bytes;
            case 5 when bytes.Length > 0:
                var start = _random.Next(bytes.Length);
                var count = 1 + _random.Next(Math.Min(32, bytes.Length - start));
                how = $"bytes {start}..{start + count} copied in again";
                return [.. bytes[..(start + count)], .. bytes[start..(start + count)], .. bytes[(start + count)..]];
            case 6 when bytes.Length > 0:
                var removeAt = _random.Next(bytes.Length);
                how = $"byte {removeAt} removed";
                return [.. bytes[..removeAt], .. bytes[(removeAt + 1)..]];
            default:
                how = "random bytes";
                return Random(_random.Next(2 * bytes.Length + 2));
        }
    }

    public byte[] Random(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
