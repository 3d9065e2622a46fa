using System.Buffers.Binary;
using System.Runtime.Serialization;
using Akka.Actor;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Protocol;

/// <summary>A worker's bytes can be wrong: every defect must be a SerializationException naming message and field.</summary>
public sealed class MalformedInputTests(WireSystemFixture fixture) : IClassFixture<WireSystemFixture>
{
    private readonly ProtocolSerializer _serializer = fixture.Serializer();

    private static readonly WeightsUpdate Update = new(5, SampleMessages.Parameters([1, 2, 3, 4, 5, 6, 7, 8]));

    /// <summary>Offset of Weights.Values' count: version, Version, slot count, 2 slots (name "cell.w_ih", shape [2,3], offset; "head.bias", [2], offset).</summary>
    private const int ValuesCountOffset = 1 + 8 + 4 + (4 + 9 + 4 + 8 + 4) + (4 + 9 + 4 + 4 + 4);

    [Fact]
    public void Every_truncation_is_a_clear_error()
    {
        var bytes = _serializer.ToBinary(Update);

        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes[..length], "wu"));
            Assert.Contains("Malformed WeightsUpdate (manifest 'wu'): field '", error.Message);
        }
    }

    [Fact]
    public void Trailing_bytes_are_an_error()
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary([.. _serializer.ToBinary(Update), 0], "wu"));

        Assert.Contains("1 unread bytes", error.Message);
    }

    [Fact]
    public void A_count_larger_than_the_remaining_bytes_is_refused_before_allocating()
    {
        var bytes = _serializer.ToBinary(Update);
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(ValuesCountOffset)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(ValuesCountOffset), int.MaxValue);

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "wu"));

        Assert.Contains("field 'Weights.Values' declares 2147483647 elements (8589934588 bytes) but only 32 bytes remain", error.Message);
    }

    [Fact]
    public void A_negative_count_is_refused()
    {
        var bytes = _serializer.ToBinary(Update);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(ValuesCountOffset), -7);

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "wu"));

        Assert.Contains("field 'Weights.Values' declares -7 elements", error.Message);
    }

    [Fact]
    public void A_null_where_a_value_is_required_is_refused()
    {
        var bytes = _serializer.ToBinary(new WorkerRefused("x"));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), WireWriter.NullCount);

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes[..5], "wr"));

        Assert.Contains("field 'Reason' is null", error.Message);
    }

    [Fact]
    public void An_unknown_float_encoding_is_refused()
    {
        var bytes = _serializer.ToBinary(Update);
        bytes[ValuesCountOffset + 4] = 9;

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "wu"));

        Assert.Contains("field 'Weights.Values.encoding' is 9, not a FloatEncoding", error.Message);
    }

    [Fact]
    public void An_unknown_work_kind_is_refused()
    {
        var bytes = _serializer.ToBinary(new ShardFailed(1, WorkKind.Train, 2, "oom"));
        bytes[1 + 8] = 0;

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "sf"));

        Assert.Contains("Malformed ShardFailed (manifest 'sf'): field 'Kind' is 0, not a WorkKind: expected 1 (Train), 2 (Evaluate)", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var bytes = _serializer.ToBinary(new TrainingFinished("ab"));
        bytes[^1] = 0xFF;

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "tf"));

        Assert.Contains("field 'Reason' is not valid UTF-8", error.Message);
    }

    [Fact]
    public void Another_format_version_is_refused()
    {
        var bytes = _serializer.ToBinary(Update);
        bytes[0] = 2;

        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "wu"));

        Assert.Contains("field '(format version)' is 2; this node reads version 1 only", error.Message);
    }

    [Fact]
    public void An_unknown_manifest_is_refused_by_name()
    {
        var error = Assert.Throws<SerializationException>(() => _serializer.FromBinary([1, 2, 3], "zz"));

        Assert.Contains("Unknown protocol manifest 'zz'", error.Message);
    }

    [Fact]
    public void A_chunk_without_a_recipient_is_refused_both_ways()
    {
        var chunk = (PayloadChunk)SampleMessages.All(fixture.SomeActor).Single(s => s.Name == "PayloadChunk").Message;
        var transport = fixture.SerializerFor(chunk);
        var bytes = transport.ToBinary(chunk);
        const int recipientOffset = 1 + 8 + 4 + 4 + 4 + 4 + (4 + 2); // version, id, chunk size, total, checksum, serializer, manifest "wu"
        var pathLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(recipientOffset));
        byte[] withEmptyPath = [.. bytes[..recipientOffset], 0, 0, 0, 0, .. bytes[(recipientOffset + 4 + pathLength)..]];

        var decodeError = Assert.Throws<SerializationException>(() => transport.FromBinary(withEmptyPath, "pc"));
        var encodeError = Assert.Throws<SerializationException>(() =>
            transport.ToBinary(chunk with { Header = chunk.Header with { Recipient = ActorRefs.NoSender! } }));

        Assert.Contains("Malformed PayloadChunk (manifest 'pc'): field 'Header.Recipient' is empty", decodeError.Message);
        Assert.Contains("Cannot encode PayloadChunk (manifest 'pc'): field 'Header.Recipient' is null", encodeError.Message);
    }

    /// <summary>Deterministic damage to every byte of every sample: decoding succeeds or fails cleanly, never otherwise.</summary>
    [Fact]
    public void Damaged_bytes_never_escape_as_anything_but_a_serialization_error()
    {
        foreach (var (name, message) in SampleMessages.All(fixture.SomeActor))
        {
            var serializer = fixture.SerializerFor(message);
            var bytes = serializer.ToBinary(message);
            var manifest = serializer.Manifest(message);
            for (var i = 0; i < bytes.Length; i++)
            {
                foreach (var damage in new Func<byte, byte>[] { _ => 0, _ => 0xFF, b => (byte)(b ^ 0x80), b => (byte)(b + 1) })
                {
                    var damaged = (byte[])bytes.Clone();
                    damaged[i] = damage(damaged[i]);
                    try
                    {
                        serializer.FromBinary(damaged, manifest);
                    }
                    catch (SerializationException)
                    {
                    }
                    catch (Exception e)
                    {
                        Assert.Fail($"{name}, byte {i} damaged: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        }
    }
}
