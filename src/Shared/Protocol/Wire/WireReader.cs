using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;

namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote, trusting nothing: every count is checked against the bytes that
/// remain, and any problem is a <see cref="SerializationException"/> naming the message and the field.
/// </summary>
public sealed class WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly ExtendedActorSystem _system;
    private int _position;

    /// <param name="bytes">The encoded message. Slices returned by <see cref="ReadBytes"/> share this memory.</param>
    /// <param name="messageName">Named in every error, e.g. "WeightsUpdate (manifest 'wu')".</param>
    /// <param name="system">Resolves actor references.</param>
    public WireReader(ReadOnlyMemory<byte> bytes, string messageName, ExtendedActorSystem system)
    {
        _bytes = bytes;
        MessageName = messageName;
        _system = system;
    }

    public string MessageName { get; }

    public int Remaining => _bytes.Length - _position;

    /// <summary>
    /// Whether a value read so far is a slice of the input (<see cref="ReadBytes"/>): then the message keeps the
    /// input's memory, which its owner must not reuse. Every other read copies.
    /// </summary>
    public bool SharesInput { get; private set; }

    public byte ReadByte(string field) => Take(field, 1)[0];

    /// <summary>A yes or no in one byte (<see cref="WireWriter.WriteFlag"/>): 0 or 1, anything else malformed.</summary>
    public bool ReadFlag(string field) => ReadByte(field) switch
    {
        0 => false,
        1 => true,
        var other => throw Malformed(field, $"is {other}, expected 0 or 1"),
    };

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(field, sizeof(int)));

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(field, sizeof(uint)));

    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(field, sizeof(long)));

    public double ReadDouble(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(field, sizeof(double)));

    /// <summary>An int32 that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int ReadInt32(string field, int min, int max)
    {
        var value = ReadInt32(field);
        if (value < min || value > max)
            throw Malformed(field, $"is {value}, expected {min}..{max}");
        return value;
    }

    /// <summary>A byte-sized enum that must be one of its defined values.</summary>
    public TEnum ReadEnum<TEnum>(string field) where TEnum : struct, Enum
    {
        var raw = ReadByte(field);
        var value = (TEnum)Enum.ToObject(typeof(TEnum), raw);
        if (!Enum.IsDefined(value))
        {
            var expected = string.Join(", ", Enum.GetValues<TEnum>().Select(v => $"{Convert.ToInt64(v)} ({v})"));
            throw Malformed(field, $"is {raw}, not a {typeof(TEnum).Name}: expected {expected}");
        }
        return value;
    }

    /// <summary>The count of a required array whose elements take at least <paramref name="elementSize"/> bytes each.</summary>
    public int ReadCount(string field, int elementSize)
    {
        var count = ReadOptionalCount(field, elementSize);
        if (count == WireWriter.NullCount)
            throw Malformed(field, "is null, expected a value");
        return count;
    }

    public string ReadString(string field)
    {
        var bytes = Take(field, ReadCount(field, elementSize: 1));
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Malformed(field, $"is not valid UTF-8 ({e.Message})");
        }
    }

    /// <summary>An actor reference resolved on this node; null for an empty path (no sender).</summary>
    public IActorRef? ReadActorRef(string field)
    {
        var path = ReadString(field);
        if (path.Length == 0)
            return null;
        // Akka's path parser throws on some malformed uids instead of returning false.
        try
        {
            if (ActorPath.TryParse(path, out _))
                return _system.Provider.ResolveActorRef(path);
        }
        catch (FormatException)
        {
        }
        throw Malformed(field, $"'{path}' is not an actor path");
    }

    /// <summary>Raw bytes, as a slice of the input (no copy).</summary>
    public ReadOnlyMemory<byte> ReadBytes(string field)
    {
        var length = ReadCount(field, elementSize: 1);
        var start = _position;
        Take(field, length);
        SharesInput = true;
        return _bytes.Slice(start, length);
    }

    public int[] ReadInt32s(string field)
    {
        var count = ReadCount(field, sizeof(int));
        return ReadLittleEndian(field, count, BinaryPrimitives.ReadInt32LittleEndian);
    }

    public long[]? ReadOptionalInt64s(string field)
    {
        var count = ReadOptionalCount(field, sizeof(long));
        return count == WireWriter.NullCount ? null : ReadLittleEndian(field, count, BinaryPrimitives.ReadInt64LittleEndian);
    }

    // A float array's size check waits for its encoding byte, which sets the element size.
    public float[] ReadFloats(string field) => ReadFloats(field, out _);

    /// <summary>A float array, and the precision it travelled in (its encoding byte).</summary>
    public float[] ReadFloats(string field, out WirePrecision precision) =>
        ReadFloatValues(field, ReadCount(field, elementSize: 0), out precision);

    /// <summary>As <see cref="ReadFloats(string, out WirePrecision)"/>, into an array from <see cref="SegmentArrays"/> (a chain segment's).</summary>
    public float[] ReadSegmentFloats(string field, out WirePrecision precision) =>
        ReadFloatValues(field, ReadCount(field, elementSize: 0), out precision, SegmentArrays.Rent);

    public float[]? ReadOptionalFloats(string field) => ReadOptionalFloats(field, out _);

    /// <summary>An optional float array, and the precision it travelled in (f32 for null).</summary>
    public float[]? ReadOptionalFloats(string field, out WirePrecision precision)
    {
        precision = WirePrecision.F32;
        var count = ReadOptionalCount(field, elementSize: 0);
        return count == WireWriter.NullCount ? null : ReadFloatValues(field, count, out precision);
    }

    /// <summary>The message must have used every byte: trailing bytes mean the two sides disagree on the layout.</summary>
    public void ExpectEnd()
    {
        if (Remaining != 0)
            throw Malformed("(end)", $"is followed by {Remaining} unread bytes");
    }

    public SerializationException Malformed(string field, string problem) =>
        new($"Malformed {MessageName}: field '{field}' {problem} (at byte {_position} of {_bytes.Length}).");

    private float[] ReadFloatValues(string field, int count, out WirePrecision precision, Func<int, float[]>? allocate = null)
    {
        var encoding = ReadEnum<FloatEncoding>(field + ".encoding");
        precision = encoding.Precision();
        var elementSize = encoding == FloatEncoding.BFloat16 ? sizeof(ushort) : sizeof(float);
        var bytes = TakeMemory(field, CheckedByteCount(field, count, elementSize));
        var values = allocate?.Invoke(count) ?? GC.AllocateUninitializedArray<float>(count);
        if (encoding == FloatEncoding.BFloat16)
            BFloat16.Widen(bytes.Span, values);
        else
            CopyLittleEndian(bytes, values, BinaryPrimitives.ReadSingleLittleEndian);
        return values;
    }

    private T[] ReadLittleEndian<T>(string field, int count, SpanReader<T> readOne) where T : unmanaged
    {
        var values = GC.AllocateUninitializedArray<T>(count);
        CopyLittleEndian(TakeMemory(field, count * Unsafe.SizeOf<T>()), values, readOne);
        return values;
    }

    private static void CopyLittleEndian<T>(ReadOnlyMemory<byte> memory, T[] values, SpanReader<T> readOne) where T : unmanaged
    {
        if (BitConverter.IsLittleEndian)
        {
            ParallelCopy.FromBytes(memory, values);
            return;
        }
        var bytes = memory.Span;
        var size = Unsafe.SizeOf<T>();
        for (var i = 0; i < values.Length; i++)
            values[i] = readOne(bytes.Slice(i * size));
    }

    private delegate T SpanReader<out T>(ReadOnlySpan<byte> source);

    /// <summary>A count of elements of at least <paramref name="elementSize"/> bytes that fit in what remains, or the null marker.</summary>
    private int ReadOptionalCount(string field, int elementSize)
    {
        var count = ReadInt32(field);
        if (count == WireWriter.NullCount)
            return count;
        if (count < 0)
            throw Malformed(field, $"declares {count} elements");
        CheckedByteCount(field, count, elementSize);
        return count;
    }

    private int CheckedByteCount(string field, int count, int elementSize)
    {
        var bytes = (long)count * elementSize;
        if (bytes > Remaining)
            throw Malformed(field, $"declares {count} elements ({bytes} bytes) but only {Remaining} bytes remain");
        return (int)bytes;
    }

    private ReadOnlySpan<byte> Take(string field, int count) => TakeMemory(field, count).Span;

    private ReadOnlyMemory<byte> TakeMemory(string field, int count)
    {
        if (count > Remaining)
            throw Malformed(field, $"needs {count} bytes but only {Remaining} remain");
        var memory = _bytes.Slice(_position, count);
        _position += count;
        return memory;
    }
}
