using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;

namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// Writes the protocol's primitives in an explicit little-endian layout. A message is written twice by the same
/// code: first by a measuring writer (no buffer) to learn its exact size, then into a buffer of that size, so a
/// 64 MB payload is copied once and never regrown. Strings and arrays are an int32 count then the elements;
/// optional ones write <see cref="NullCount"/> for null, required ones refuse null.
/// </summary>
public sealed class WireWriter
{
    public const int NullCount = -1;

    private readonly byte[]? _buffer;
    private readonly string _messageName;

    private WireWriter(byte[]? buffer, string messageName)
    {
        _buffer = buffer;
        _messageName = messageName;
    }

    public static WireWriter Measuring(string messageName) => new(null, messageName);

    public static WireWriter Into(byte[] buffer, string messageName) => new(buffer, messageName);

    /// <summary>Bytes written (or measured) so far.</summary>
    public int Position { get; private set; }

    public void WriteByte(byte value) => Put(value, static (span, v) => span[0] = v);

    /// <summary>A yes or no in one byte: 1 or 0.</summary>
    public void WriteFlag(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt32(int value) => Put(value, BinaryPrimitives.WriteInt32LittleEndian);

    public void WriteUInt32(uint value) => Put(value, BinaryPrimitives.WriteUInt32LittleEndian);

    public void WriteInt64(long value) => Put(value, BinaryPrimitives.WriteInt64LittleEndian);

    public void WriteDouble(double value) => Put(value, BinaryPrimitives.WriteDoubleLittleEndian);

    /// <summary>The count of a required array of nested records, which follow it.</summary>
    public void WriteCount<T>(T[] items, string field) where T : class =>
        WriteInt32(Required(items, field).Length);

    /// <summary>UTF-8 bytes after their int32 count.</summary>
    public void WriteString(string value, string field)
    {
        var length = Encoding.UTF8.GetByteCount(Required(value, field));
        WriteInt32(length);
        var bytes = Take(length);
        if (_buffer != null)
            Encoding.UTF8.GetBytes(value, bytes);
    }

    /// <summary>An actor reference as Akka's serialized path (with this node's address); empty for no sender.</summary>
    public void WriteActorRef(IActorRef? actor, string field) =>
        WriteString(actor == null ? string.Empty : Akka.Serialization.Serialization.SerializedActorPath(actor), field);

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt32(bytes.Length);
        var destination = Take(bytes.Length);
        if (_buffer != null)
            bytes.CopyTo(destination);
    }

    public void WriteInt32s(int[] values, string field)
    {
        WriteInt32(Required(values, field).Length);
        WriteLittleEndian<int>(values, BinaryPrimitives.WriteInt32LittleEndian);
    }

    public void WriteOptionalInt64s(long[]? values)
    {
        WriteInt32(values?.Length ?? NullCount);
        if (values != null)
            WriteLittleEndian<long>(values, BinaryPrimitives.WriteInt64LittleEndian);
    }

    /// <summary>
    /// Count, then a <see cref="FloatEncoding"/> byte, then the values: raw float32 or rounded bf16. The encoding
    /// byte makes the array self-describing, so a reader never needs to know the writer's precision.
    /// </summary>
    public void WriteFloats(float[] values, string field, WirePrecision precision)
    {
        WriteInt32(Required(values, field).Length);
        WriteFloatValues(values, precision);
    }

    public void WriteOptionalFloats(float[]? values, WirePrecision precision)
    {
        WriteInt32(values?.Length ?? NullCount);
        if (values != null)
            WriteFloatValues(values, precision);
    }

    private void WriteFloatValues(float[] values, WirePrecision precision)
    {
        WriteByte((byte)precision.Encoding());
        if (precision == WirePrecision.Bf16)
        {
            var bytes = Take(checked(values.Length * sizeof(ushort)));
            if (_buffer != null)
                BFloat16.Narrow(values, bytes);
            return;
        }
        WriteLittleEndian<float>(values, BinaryPrimitives.WriteSingleLittleEndian);
    }

    /// <summary><paramref name="value"/>, or an error naming the field when a required value is null.</summary>
    public T Required<T>(T? value, string field) where T : class =>
        value ?? throw new SerializationException($"Cannot encode {_messageName}: field '{field}' is null.");

    private void Put<T>(T value, SpanWriter<T> write) where T : unmanaged
    {
        var bytes = Take(Unsafe.SizeOf<T>());
        if (_buffer != null)
            write(bytes, value);
    }

    private void WriteLittleEndian<T>(T[] values, SpanWriter<T> writeOne) where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var start = Position;
        var bytes = Take(checked(values.Length * size));
        if (_buffer == null)
            return;
        if (BitConverter.IsLittleEndian)
        {
            ParallelCopy.ToBytes(values, _buffer, start);
            return;
        }
        for (var i = 0; i < values.Length; i++)
            writeOne(bytes.Slice(i * size), values[i]);
    }

    private delegate void SpanWriter<in T>(Span<byte> destination, T value);

    /// <summary>The next <paramref name="count"/> bytes of the buffer (empty while measuring).</summary>
    private Span<byte> Take(int count)
    {
        var start = Position;
        Position = checked(Position + count);
        return _buffer == null ? Span<byte>.Empty : _buffer.AsSpan(start, count);
    }
}
