using System.Runtime.Serialization;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Shared.Tests.Transport;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Fuzz;

/// <summary>
/// Every decoder that reads bytes from the network, fed seeded damage to valid encodings (<see cref="Mutator"/>) and
/// random bytes: the protocol's and the transport's message formats, lane frames and their length prefix, bulk and
/// lane requests, and what the receiver does with the chunks that decode. Only the decoder's own format error
/// (<see cref="SerializationException"/>; <see cref="InvalidDataException"/> for a lane frame's length) may
/// escape, and the decoders allocate less than 64 MiB over the whole run and less than 1 MiB for any one input: nothing
/// is allocated for a count that is not backed by bytes.
/// </summary>
public sealed class DecoderFuzzTests(WireSystemFixture wire) : IClassFixture<WireSystemFixture>
{
    private const int Seed = 16;
    private const int CasesPerMessage = 500;

    /// <summary>What one decode of an input of a few hundred bytes may allocate: its message, its error, and change.</summary>
    private const long CaseAllocationBound = 1L << 20;
    private const long AllocationBound = 64L << 20;

    [Fact]
    public void Protocol_and_transport_formats_throw_only_their_format_error()
    {
        var mutator = new Mutator(Seed);
        var samples = SampleMessages.All(wire.SomeActor)
            .Select(s => (s.Name, Serializer: wire.SerializerFor(s.Message), s.Message)).ToList();
        var encoded = samples.Select(s => (s.Name, s.Serializer, Manifest: s.Serializer.Manifest(s.Message), Bytes: s.Serializer.ToBinary(s.Message))).ToList();
        var transfers = IncomingTransfers.For(TransferSettings.Default, IncomingBudget.For(TransferSettings.Default));
        var decoded = 0;

        var allocations = new DecoderAllocations();
        {
            foreach (var (name, serializer, manifest, bytes) in encoded)
            {
                for (var i = 0; i < CasesPerMessage; i++)
                {
                    var input = mutator.Mutate(bytes, out var how);
                    // Now and then the bytes of one message under another's manifest.
                    var asManifest = mutator.Next(10) == 0 ? encoded[mutator.Next(encoded.Count)].Manifest : manifest;
                    var message = allocations.Measure(() => OnlyFormatErrors<SerializationException>($"{name} as '{asManifest}', case {i}: {how}",
                        () => serializer.FromBinary(input, asManifest)));
                    if (message == null)
                        continue;
                    decoded++;
                    if (message is PayloadChunk chunk)
                        allocations.Measure(() => transfers.Add("akka.tcp://attnrnn@10.0.0.1:4053/system/payload-transfer-1#1", "akka.tcp://attnrnn@10.0.0.1:4053", chunk, i));
                }
            }
        }

        allocations.AssertBounded();
        Assert.InRange(decoded, 1, encoded.Count * CasesPerMessage - 1);
    }

    [Fact]
    public void Lane_frames_throw_only_their_format_error()
    {
        var mutator = new Mutator(Seed + 1);
        var bodies = SampleMessages.All(wire.SomeActor)
            .Select(s => (s.Name, Body: LaneFrameTests.Body(wire, s.Message)))
            .ToList();
        const int maxBody = (1 << 20) + TransferSettings.FrameReserve;

        var allocations = new DecoderAllocations();
        {
            foreach (var (name, body) in bodies)
            {
                for (var i = 0; i < CasesPerMessage; i++)
                {
                    var input = mutator.Mutate(body, out var how);
                    allocations.Measure(() => OnlyFormatErrors<SerializationException>($"lane frame of {name}, case {i}: {how}", () => LaneWire.ReadBody(input, wire.System)));
                    var prefix = mutator.Mutate([.. BitConverter.GetBytes(body.Length)], out how);
                    if (prefix.Length >= LaneWire.LengthPrefix)
                    {
                        var length = allocations.Measure(() => OnlyFormatErrors<InvalidDataException>($"lane frame prefix, case {i}: {how}", () => (object)LaneWire.BodyLength(prefix, maxBody)));
                        Assert.True(length is null or (>= 1 and <= maxBody));
                    }
                }
            }
        }

        allocations.AssertBounded();
    }

    [Fact]
    public void Bulk_and_lane_requests_are_read_or_refused_never_thrown()
    {
        var mutator = new Mutator(Seed + 2);
        var token = mutator.Random(BulkWire.TokenLength);
        byte[][] valid = [BulkWire.Request(7, token), LaneWire.Request(token)];
        var accepted = 0;

        for (var i = 0; i < 4000; i++)
        {
            var input = mutator.Mutate(valid[i % 2], out _);
            if (BulkWire.TryRead(input, out _, out var bulkToken))
                accepted += bulkToken.Length == BulkWire.TokenLength ? 1 : throw new InvalidOperationException("a short token was read");
            if (LaneWire.TryRead(input, out var laneToken, out _))
                accepted += laneToken.Length == BulkWire.TokenLength ? 1 : throw new InvalidOperationException("a short token was read");
        }

        Assert.InRange(accepted, 1, 3999);
    }

    /// <summary>What <paramref name="decode"/> returns, or null when it threw <typeparamref name="TFormatError"/>; anything else fails the test naming the case.</summary>
    private static object? OnlyFormatErrors<TFormatError>(string input, Func<object> decode) where TFormatError : Exception
    {
        try
        {
            return decode();
        }
        catch (TFormatError)
        {
            return null;
        }
        catch (Exception e)
        {
            Assert.Fail($"{input}: {e.GetType().Name} escaped the decoder: {e}");
            return null;
        }
    }

    /// <summary>What the decoders allocate on this thread, in all and at most for one input (the inputs themselves not counted).</summary>
    private sealed class DecoderAllocations
    {
        private long _total;
        private long _largest;

        public T Measure<T>(Func<T> decode)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = decode();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            _total += allocated;
            _largest = Math.Max(_largest, allocated);
            return result;
        }

        public void AssertBounded()
        {
            Assert.True(_total < AllocationBound, $"the decoders allocated {_total >> 20} MiB in all");
            Assert.True(_largest < CaseAllocationBound, $"one input made a decoder allocate {_largest} bytes");
        }
    }
}
