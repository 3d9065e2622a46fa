using System.Runtime.Serialization;
using Akka.Actor;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Protocol;

public sealed class ProtocolSerializerTests(WireSystemFixture fixture) : IClassFixture<WireSystemFixture>
{
    public static TheoryData<string> SampleNames() => [.. SampleMessages.All(ActorRefs.Nobody).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Every_sample_round_trips_bit_for_bit_in_f32(string name)
    {
        var message = Sample(name);
        var serializer = fixture.SerializerFor(message);

        var bytes = serializer.ToBinary(message);
        var decoded = serializer.FromBinary(bytes, serializer.Manifest(message));

        Assert.IsType(message.GetType(), decoded);
        Assert.Equal(WireDescription.Of(message), WireDescription.Of(decoded));
        Assert.Equal(bytes.Length, serializer.EncodedSize(message));
    }

    [Fact]
    public void Weights_large_enough_to_be_copied_on_all_cores_round_trip_bit_for_bit()
    {
        // 5,000,003 floats (20 MB, not a whole number of pages) are copied in pieces side by side both ways.
        var values = SampleMessages.ScrambledFloats(5_000_003);
        var message = new WeightsUpdate(3, new ParameterBuffer([new TensorSlot("all", [values.Length], 0)], values));
        var serializer = fixture.Serializer(WirePrecision.F32);

        var decoded = (WeightsUpdate)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        Assert.Equal(
            values.Select(BitConverter.SingleToInt32Bits),
            decoded.Weights.Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Every_protocol_and_transport_message_type_has_exactly_one_format_in_its_own_serializer_and_a_sample()
    {
        var protocolTypes = MessageTypes(typeof(IProtocolMessage));
        var transportTypes = MessageTypes(typeof(ITransportMessage));
        var sampledTypes = SampleMessages.All(ActorRefs.Nobody).Select(s => s.Message.GetType()).Distinct();

        Assert.Equal(protocolTypes, ProtocolSerializer.Formats.Select(f => f.Type).OrderBy(t => t.Name));
        Assert.Equal(transportTypes, TransportFormats.All.Select(f => f.Type).OrderBy(t => t.Name));
        Assert.Equal(protocolTypes.Concat(transportTypes).OrderBy(t => t.Name), sampledTypes.OrderBy(t => t.Name));
        Assert.All(protocolTypes.Concat(transportTypes), t => Assert.True(t.IsSealed, $"{t.Name} must be sealed: a subclass would bypass its format"));
        Assert.All(sampledTypes, t => Assert.IsType(
            t.IsAssignableTo(typeof(IProtocolMessage)) ? typeof(ProtocolSerializer) : typeof(TransportSerializer),
            fixture.System.Serialization.FindSerializerForType(t)));
    }

    private static List<Type> MessageTypes(Type marker) =>
        marker.Assembly.GetTypes()
            .Where(t => t.IsAssignableTo(marker) && t is { IsInterface: false, IsAbstract: false })
            .OrderBy(t => t.Name)
            .ToList();

    [Fact]
    public void Manifests_are_the_documented_stable_names()
    {
        Assert.Equal(new Dictionary<string, string>
        {
            ["RegisterWorker"] = "rw", ["WorkerAccepted"] = "wa", ["WorkerRefused"] = "wr", ["TrainingFinished"] = "tf",
            ["WeightsUpdate"] = "wu", ["ShardAssignment"] = "sa", ["ShardCompleted"] = "sc", ["ShardFailed"] = "sf", ["ShardProgress"] = "sp",
        }, ProtocolSerializer.Formats.ToDictionary(f => f.Type.Name, f => f.Manifest));
        Assert.Equal(new Dictionary<string, string>
        {
            ["PayloadChunk"] = "pc", ["PayloadChunkAck"] = "pk", ["PayloadRejected"] = "pr",
            ["PayloadOffer"] = "po", ["PayloadOfferTaken"] = "pt", ["PayloadOfferFailed"] = "pf",
            ["LaneRequest"] = "lq", ["LaneInvitation"] = "li", ["LaneDeclined"] = "ld",
        }, TransportFormats.All.ToDictionary(f => f.Type.Name, f => f.Manifest));
    }

    [Fact]
    public void Encoding_starts_with_the_format_version_and_uses_little_endian_fields()
    {
        var ack = new PayloadChunkAck(0x0102030405060708, 0x0A0B0C0D);
        var bytes = fixture.SerializerFor(ack).ToBinary(ack);

        Assert.Equal(new byte[] { 1, 8, 7, 6, 5, 4, 3, 2, 1, 0x0D, 0x0C, 0x0B, 0x0A }, bytes);
    }

    [Fact]
    public void Float_arrays_are_raw_little_endian_float32_after_count_and_encoding_byte()
    {
        var gradient = new[] { 1f, -2.5f };
        var bytes = fixture.Serializer(WirePrecision.F32).ToBinary(new ShardCompleted(0, WorkKind.Train, 0, gradient, 0, 0, 0));

        var arrayStart = 1 + 8 + 1 + 4; // version, Version, Kind, ShardIndex
        Assert.Equal(new byte[] { 2, 0, 0, 0, (byte)FloatEncoding.Float32, 0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0 },
            bytes[arrayStart..(arrayStart + 13)]);
    }

    [Fact]
    public void Bf16_rounds_weights_and_gradients_to_nearest_even_and_halves_their_bytes()
    {
        var values = Enumerable.Range(0, 1000).Select(i => MathF.Sin(i * 0.37f) * MathF.Pow(10, i % 7 - 3)).ToArray();
        var update = new WeightsUpdate(3, SampleMessages.Parameters(values));
        var f32 = fixture.Serializer(WirePrecision.F32);
        var bf16 = fixture.Serializer(WirePrecision.Bf16);

        var bytes = bf16.ToBinary(update);
        // An f32 node reads a bf16 message: the array says how it is stored.
        var decoded = (WeightsUpdate)f32.FromBinary(bytes, "wu");

        Assert.Equal(f32.ToBinary(update).Length - 2 * values.Length, bytes.Length);
        Assert.Equal(update.Weights.Slots.Select(WireDescription.Of), decoded.Weights.Slots.Select(WireDescription.Of));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BFloat16.ToSingle(BFloat16.FromSingle(values[i])), decoded.Weights.Values[i]);
            Assert.True(MathF.Abs(decoded.Weights.Values[i] - values[i]) <= MathF.Abs(values[i]) / 256,
                $"value {i}: {values[i]} came back as {decoded.Weights.Values[i]}, further than bf16's half-ulp");
        }
    }

    [Fact]
    public void Bf16_applies_to_gradients_but_never_to_batches()
    {
        var serializer = fixture.Serializer(WirePrecision.Bf16);
        var fine = new[] { 1.0001f, 3.3333333f, -7.77777f };
        var assignment = new ShardAssignment(1, WorkKind.Train, 0, new SequenceBatch(1, 3, 1, 1, [3], fine, null, fine, null, null));
        var completed = new ShardCompleted(1, WorkKind.Train, 0, fine, 1, 1, 1);

        var batch = ((ShardAssignment)serializer.FromBinary(serializer.ToBinary(assignment), "sa")).Batch;
        var gradient = ((ShardCompleted)serializer.FromBinary(serializer.ToBinary(completed), "sc")).Gradient!;

        Assert.Equal(WireDescription.Of(fine), WireDescription.Of(batch.Features));
        Assert.Equal(WireDescription.Of(fine), WireDescription.Of(batch.RegressionTargets));
        Assert.Equal(fine.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))), gradient);
        Assert.NotEqual(fine, gradient);
    }

    [Fact]
    public void A_null_required_field_is_refused_when_encoding_naming_the_field()
    {
        var serializer = fixture.Serializer(WirePrecision.F32);

        var error = Assert.Throws<SerializationException>(() =>
            serializer.ToBinary(new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("w", null!, 0)], [1f]))));

        Assert.Contains("WeightsUpdate (manifest 'wu')", error.Message);
        Assert.Contains("Weights.Slots[0].Shape", error.Message);
    }

    [Fact]
    public void A_type_without_a_format_is_refused_by_name()
    {
        var error = Assert.Throws<SerializationException>(() => fixture.Serializer(WirePrecision.F32).Manifest(new NotAProtocolMessage()));

        Assert.Contains(nameof(NotAProtocolMessage), error.Message);
    }

    private object Sample(string name) => SampleMessages.All(fixture.SomeActor).Single(s => s.Name == name).Message;

    private sealed record NotAProtocolMessage;
}
