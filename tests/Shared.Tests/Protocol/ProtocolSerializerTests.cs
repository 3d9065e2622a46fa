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
        var serializer = fixture.Serializer();

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
            ["StepPlan"] = "rp", ["SumSegment"] = "ss", ["WeightsSegment"] = "ws", ["RelayDone"] = "rd",
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
        var bytes = fixture.Serializer().ToBinary(new ShardCompleted(0, WorkKind.Train, 0, gradient, 0, 0, 0));

        var arrayStart = 1 + 8 + 1 + 4; // version, Version, Kind, ShardIndex
        Assert.Equal(new byte[] { 2, 0, 0, 0, (byte)FloatEncoding.Float32, 0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0 },
            bytes[arrayStart..(arrayStart + 13)]);
    }

    [Fact]
    public void Bf16_rounds_weights_and_gradients_to_nearest_even_and_halves_their_bytes()
    {
        var values = Enumerable.Range(0, 1000).Select(i => MathF.Sin(i * 0.37f) * MathF.Pow(10, i % 7 - 3)).ToArray();
        var f32 = new WeightsUpdate(3, SampleMessages.Parameters(values));
        var bf16 = f32 with { Precision = WirePrecision.Bf16 };
        var serializer = fixture.Serializer();

        var bytes = serializer.ToBinary(bf16);
        var decoded = (WeightsUpdate)serializer.FromBinary(bytes, "wu");

        Assert.Equal(serializer.ToBinary(f32).Length - 2 * values.Length, bytes.Length);
        // The array's encoding byte says how it travelled: the reader needs no setting of its own.
        Assert.Equal(WirePrecision.Bf16, decoded.Precision);
        Assert.Equal(WirePrecision.F32, ((WeightsUpdate)serializer.FromBinary(serializer.ToBinary(f32), "wu")).Precision);
        Assert.Equal(f32.Weights.Slots.Select(WireDescription.Of), decoded.Weights.Slots.Select(WireDescription.Of));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BFloat16.ToSingle(BFloat16.FromSingle(values[i])), decoded.Weights.Values[i]);
            Assert.True(MathF.Abs(decoded.Weights.Values[i] - values[i]) <= MathF.Abs(values[i]) / 256,
                $"value {i}: {values[i]} came back as {decoded.Weights.Values[i]}, further than bf16's half-ulp");
        }
    }

    [Fact]
    public void A_gradient_travels_in_its_messages_precision_which_the_decoded_message_carries()
    {
        var fine = new[] { 1.0001f, 3.3333333f, -7.77777f, 1e-30f, float.NaN, float.MaxValue };
        var serializer = fixture.Serializer();
        var f32 = new ShardCompleted(1, WorkKind.Train, 0, fine, 1, 1, 1);
        var bf16 = f32 with { GradientPrecision = WirePrecision.Bf16 };

        var f32Bytes = serializer.ToBinary(f32);
        var bf16Bytes = serializer.ToBinary(bf16);
        var fromF32 = (ShardCompleted)serializer.FromBinary(f32Bytes, "sc");
        var fromBf16 = (ShardCompleted)serializer.FromBinary(bf16Bytes, "sc");

        Assert.Equal(f32Bytes.Length - 2 * fine.Length, bf16Bytes.Length);
        Assert.Equal(WirePrecision.F32, fromF32.GradientPrecision);
        Assert.Equal(WireDescription.Of(fine), WireDescription.Of(fromF32.Gradient));
        Assert.Equal(WirePrecision.Bf16, fromBf16.GradientPrecision);
        Assert.Equal(fine.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))), fromBf16.Gradient!);
        Assert.All(fromBf16.Gradient!, v => Assert.True(BFloat16.IsExact(v), $"{v} is not a bf16 value"));
        // Above bf16's largest finite value (3.39e38) a float32 rounds to infinity; NaN stays NaN.
        Assert.Equal(float.PositiveInfinity, fromBf16.Gradient![5]);
        Assert.True(float.IsNaN(fromBf16.Gradient![4]));
        // Evaluation results carry no gradient: null stays null in either precision.
        var evaluation = (ShardCompleted)serializer.FromBinary(serializer.ToBinary(bf16 with { Kind = WorkKind.Evaluate, Gradient = null }), "sc");
        Assert.Null(evaluation.Gradient);
    }

    [Fact]
    public void A_gradient_rounded_by_its_sender_crosses_the_wire_unchanged()
    {
        var gradient = Enumerable.Range(0, 1003).Select(i => MathF.Cos(i * 0.91f) * MathF.Pow(10, i % 9 - 4)).ToArray();
        BFloat16.Round(gradient);
        var serializer = fixture.Serializer();

        var decoded = (ShardCompleted)serializer.FromBinary(
            serializer.ToBinary(new ShardCompleted(2, WorkKind.Train, 1, gradient, 1, 1, 1, WirePrecision.Bf16)), "sc");

        Assert.Equal(WireDescription.Of(gradient), WireDescription.Of(decoded.Gradient));
    }

    [Fact]
    public void Bf16_never_applies_to_batches()
    {
        var serializer = fixture.Serializer();
        var fine = new[] { 1.0001f, 3.3333333f, -7.77777f };
        var assignment = new ShardAssignment(1, WorkKind.Train, 0, new SequenceBatch(1, 3, 1, 1, [3], fine, null, fine, null, null));

        var batch = ((ShardAssignment)serializer.FromBinary(serializer.ToBinary(assignment), "sa")).Batch;

        Assert.Equal(WireDescription.Of(fine), WireDescription.Of(batch.Features));
        Assert.Equal(WireDescription.Of(fine), WireDescription.Of(batch.RegressionTargets));
    }

    [Theory]
    [InlineData(WirePrecision.F32)]
    [InlineData(WirePrecision.Bf16)]
    public void WorkerAccepted_carries_the_precision_of_the_workers_gradients(WirePrecision precision)
    {
        var serializer = fixture.Serializer();
        var accepted = new WorkerAccepted("run", "{}", 42, 250, precision);

        var bytes = serializer.ToBinary(accepted);
        var decoded = (WorkerAccepted)serializer.FromBinary(bytes, "wa");

        Assert.Equal(4, bytes[0]);
        Assert.Equal((byte)precision.Encoding(), bytes[^2]);
        Assert.Equal(accepted, decoded);
    }

    [Fact]
    public void A_WorkerAccepted_with_an_unknown_precision_is_refused_naming_the_field()
    {
        var serializer = fixture.Serializer();
        var bytes = serializer.ToBinary(new WorkerAccepted("run", "{}", 42, 250, WirePrecision.Bf16));
        bytes[^2] = 7;

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "wa"));

        Assert.Contains("field 'GradientPrecision' is 7, not a FloatEncoding", error.Message);
    }

    [Fact]
    public void A_null_required_field_is_refused_when_encoding_naming_the_field()
    {
        var serializer = fixture.Serializer();

        var error = Assert.Throws<SerializationException>(() =>
            serializer.ToBinary(new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("w", null!, 0)], [1f]))));

        Assert.Contains("WeightsUpdate (manifest 'wu')", error.Message);
        Assert.Contains("Weights.Slots[0].Shape", error.Message);
    }

    [Fact]
    public void A_type_without_a_format_is_refused_by_name()
    {
        var error = Assert.Throws<SerializationException>(() => fixture.Serializer().Manifest(new NotAProtocolMessage()));

        Assert.Contains(nameof(NotAProtocolMessage), error.Message);
    }

    private object Sample(string name) => SampleMessages.All(fixture.SomeActor).Single(s => s.Name == name).Message;

    private sealed record NotAProtocolMessage;
}
