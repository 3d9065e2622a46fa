using System.Buffers.Binary;
using System.Text;

namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>One value of an event's summary: its tag and, for a scalar, its simple_value.</summary>
public sealed record SummaryValue(string Tag, float? SimpleValue);

/// <summary>
/// The fields of tensorflow.Event a scalar run uses, decoded with a minimal protobuf reader of its own: wall_time (1,
/// double), step (2, int64), file_version (3, string), summary (5: repeated Value (1) with tag (1) and simple_value
/// (2, float)). Other fields are skipped by their wire type.
/// </summary>
public sealed record EventRecord(double WallTime, long Step, string? FileVersion, IReadOnlyList<SummaryValue> Values)
{
    public static EventRecord Decode(byte[] data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<SummaryValue>();
        var reader = new ProtoReader(data);
        while (reader.Next() is var (field, wire))
        {
            switch (field, wire)
            {
                case (1, WireType.Fixed64): wallTime = BitConverter.Int64BitsToDouble((long)reader.Fixed64()); break;
                case (2, WireType.Varint): step = (long)reader.Varint(); break;
                case (3, WireType.LengthDelimited): fileVersion = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (5, WireType.LengthDelimited): values.AddRange(DecodeSummary(reader.Bytes())); break;
                default: reader.Skip(wire); break;
            }
        }
        return new EventRecord(wallTime, step, fileVersion, values);
    }

    private static IEnumerable<SummaryValue> DecodeSummary(byte[] data)
    {
        var reader = new ProtoReader(data);
        while (reader.Next() is var (field, wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited) yield return DecodeValue(reader.Bytes());
            else reader.Skip(wire);
        }
    }

    private static SummaryValue DecodeValue(byte[] data)
    {
        string tag = "";
        float? simple = null;
        var reader = new ProtoReader(data);
        while (reader.Next() is var (field, wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): tag = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (2, WireType.Fixed32): simple = BitConverter.Int32BitsToSingle((int)reader.Fixed32()); break;
                default: reader.Skip(wire); break;
            }
        }
        return new SummaryValue(tag, simple);
    }

    private enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 }

    /// <summary>Protobuf's wire format, just enough of it: keys, varints, fixed 32/64-bit values, length-delimited bytes.</summary>
    private sealed class ProtoReader(byte[] data)
    {
        private int _at;

        public (int Field, WireType Wire)? Next()
        {
            if (_at == data.Length) return null;
            ulong key = Varint();
            var wire = (WireType)(key & 7);
            if (wire is not (WireType.Varint or WireType.Fixed64 or WireType.LengthDelimited or WireType.Fixed32))
                throw new InvalidDataException($"wire type {(int)wire} at byte {_at} is not one a scalar event uses");
            return ((int)(key >> 3), wire);
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = Take(1)[0];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
            throw new InvalidDataException("a varint longer than 10 bytes");
        }

        public ulong Fixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public uint Fixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public byte[] Bytes() => Take(checked((int)Varint())).ToArray();

        public void Skip(WireType wire)
        {
            switch (wire)
            {
                case WireType.Varint: Varint(); break;
                case WireType.Fixed64: Take(8); break;
                case WireType.LengthDelimited: Bytes(); break;
                case WireType.Fixed32: Take(4); break;
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > data.Length - _at) throw new InvalidDataException($"{count} bytes wanted at byte {_at} of {data.Length}");
            var span = data.AsSpan(_at, count);
            _at += count;
            return span;
        }
    }
}
