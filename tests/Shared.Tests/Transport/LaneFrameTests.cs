using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// A lane frame as the sender writes it (the message encoded straight into a rented buffer) and as the reader decodes
/// it (from its reused frame buffer, without a copy unless the message keeps a slice of it).
/// </summary>
public sealed class LaneFrameTests(WireSystemFixture wire) : IClassFixture<WireSystemFixture>
{
    /// <summary>The body of <paramref name="message"/>'s lane frame (after the length prefix), in an array of its own.</summary>
    public static byte[] Body(WireSystemFixture wire, object message)
    {
        var serializer = wire.SerializerFor(message);
        var frame = LaneWire.Frame(wire.SomeActor, wire.SomeActor, serializer, message, serializer.EncodedSize(message));
        try
        {
            return frame.Buffer.AsSpan(LaneWire.LengthPrefix, frame.Length - LaneWire.LengthPrefix).ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    [Fact]
    public void Every_sample_message_comes_back_from_its_frame()
    {
        foreach (var (name, message) in SampleMessages.All(wire.SomeActor))
        {
            var serializer = wire.SerializerFor(message);
            var frame = LaneWire.Frame(wire.SomeActor, null, serializer, message, serializer.EncodedSize(message));
            try
            {
                Assert.Equal(frame.Length - LaneWire.LengthPrefix, LaneWire.BodyLength(frame.Buffer, int.MaxValue));
                var (recipient, decoded, sender) = LaneWire.ReadBody(frame.Buffer.AsMemory(LaneWire.LengthPrefix, frame.Length - LaneWire.LengthPrefix), wire.System);
                Assert.Equal(wire.SomeActor.Path, recipient.Path);
                Assert.Null(sender);
                // Equal encodings: the sample records hold arrays, which records compare by reference.
                Assert.True(serializer.ToBinary(message).AsSpan().SequenceEqual(serializer.ToBinary(decoded)), name);
            }
            finally
            {
                frame.Return();
            }
        }
    }

    [Fact]
    public void A_decoded_segment_keeps_its_values_when_the_frame_buffer_is_reused()
    {
        var body = Body(wire, new SumSegment(3, 0, 1, 0, [1f, 2f, 3f]));

        var (_, message, _) = LaneWire.ReadBody(body, wire.System);
        Array.Fill(body, (byte)0xFF);

        Assert.Equal([1f, 2f, 3f], Assert.IsType<SumSegment>(message).Values);
    }

    [Fact]
    public void A_decoded_chunk_keeps_its_bytes_when_the_frame_buffer_is_reused()
    {
        // A chunk's bytes are a slice of what it was decoded from: decoded from the reader's buffer, they would change with it.
        var chunk = SampleMessages.All(wire.SomeActor).Select(s => s.Message).OfType<PayloadChunk>().First();
        var body = Body(wire, chunk);

        var (_, message, _) = LaneWire.ReadBody(body, wire.System);
        Array.Fill(body, (byte)0xFF);

        Assert.Equal(chunk.Bytes.ToArray(), Assert.IsType<PayloadChunk>(message).Bytes.ToArray());
    }
}
