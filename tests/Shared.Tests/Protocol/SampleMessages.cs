using Akka.Actor;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Protocol;

/// <summary>
/// Every protocol and transport message with every field set to a non-default value (so a dropped field shows), plus the
/// edge cases: nulls, empty arrays and strings, special floats, non-ASCII text.
/// </summary>
public static class SampleMessages
{
    /// <summary>Floats whose bits must survive f32 exactly: signed zero, infinities, a NaN payload, a subnormal, extremes.</summary>
    public static readonly float[] SpecialFloats =
    [
        0f, -0f, 1f, -1.5f, float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity,
        float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x7FC0_1234), 3.14159265f, 1e-30f,
    ];

    public static IReadOnlyList<(string Name, object Message)> All(IActorRef someActor) =>
    [
        ("RegisterWorker", new RegisterWorker("worker-1 ✓ ünïcode", 7, "0.107.0", "2.10.0", 3, 2, "0123456789abcdef0123456789abcdef")),
        ("RegisterWorker empty strings", new RegisterWorker("", 0, "", "", 0, 0, "w")),
        ("WorkerAccepted chain", new WorkerAccepted("run-43", "{}", 7, 100, WirePrecision.F32, DataPlane.Chain)),
        ("WorkerAccepted", new WorkerAccepted("run-42", """{"hidden":64,"kind":"adding"}""", 123_456, 15_000, WirePrecision.Bf16)),
        ("WorkerRefused", new WorkerRefused("protocol revision 2, this coordinator speaks 1")),
        ("TrainingFinished", new TrainingFinished("reached 100 steps")),
        ("WeightsUpdate", new WeightsUpdate(long.MaxValue - 3, Parameters(SpecialFloats))),
        ("WeightsUpdate empty", new WeightsUpdate(0, new ParameterBuffer([], []))),
        ("ShardAssignment features", new ShardAssignment(5, WorkKind.Train, 3, new SequenceBatch(
            Count: 2, Steps: 3, Width: 2, OutputWidth: 1, Lengths: [3, 2],
            Features: [.. SpecialFloats], Tokens: null, RegressionTargets: [0.5f, -0f], ClassTargets: null, TokenTargets: null))),
        ("ShardAssignment tokens", new ShardAssignment(6, WorkKind.Evaluate, 0, new SequenceBatch(
            Count: 1, Steps: 4, Width: 65, OutputWidth: 65, Lengths: [4],
            Features: null, Tokens: [1, 2, long.MaxValue, -1], RegressionTargets: null, ClassTargets: [9], TokenTargets: [2, 3, 4, 5]))),
        ("ShardAssignment all optional arrays empty", new ShardAssignment(7, WorkKind.Train, 1, new SequenceBatch(
            0, 0, 0, 0, [], [], [], [], [], []))),
        ("ShardAssignment all optional arrays null", new ShardAssignment(8, WorkKind.Train, 2, new SequenceBatch(
            0, 0, 0, 0, [], null, null, null, null, null))),
        ("ShardCompleted", new ShardCompleted(9, WorkKind.Train, 4, [.. SpecialFloats], 12.5, 640, 33.25)),
        ("ShardCompleted evaluation (no gradient)", new ShardCompleted(9, WorkKind.Evaluate, 5, null, double.NaN, 1, -0.0)),
        ("ShardCompleted empty gradient", new ShardCompleted(10, WorkKind.Train, 6, [], 0, 0, 0)),
        ("ShardCompleted with a digest (chain)", new ShardCompleted(10, WorkKind.Train, 7, null, 3.5, 20, 1.5, WirePrecision.F32,
            new GradientDigest([.. Enumerable.Range(0, GradientDigest.HashLength).Select(i => (byte)(i * 7))], 0.125, false, 3e38f))),
        ("StepPlan", new StepPlan(14, 2, 1_000_003, 131_072, [new RelayPart(0, [0, 1, 2], null, someActor), new RelayPart(3, [7], someActor, someActor)], someActor, someActor)),
        ("StepPlan without parts or successor", new StepPlan(15, 0, 0, 1, [], someActor, null)),
        ("StepPlan's first part, the round not complete", new StepPlan(16, 1, 1_000_003, 131_072, [new RelayPart(0, [0], null, someActor)], null, null, Complete: false)),
        ("SumSegment", new SumSegment(14, 2, 1, 131_072, [.. SpecialFloats])),
        ("WeightsSegment", new WeightsSegment(15, 0, [.. SpecialFloats], WirePrecision.F32)),
        ("RelayDone sum", new RelayDone(14, 2, RelayStage.Sum, 3)),
        ("RelayDone weights", new RelayDone(14, 0, RelayStage.Weights, -1)),
        ("ShardFailed", new ShardFailed(11, WorkKind.Evaluate, 12, "out of memory")),
        ("ShardProgress", new ShardProgress(12, WorkKind.Train, 13)),
        ("PayloadChunk", new PayloadChunk(
            new PayloadHeader(17, 1024, 3000, 0xDEADBEEF, ProtocolSerializer.SerializerId, "wu", someActor, someActor), 2, new byte[] { 1, 2, 3, 255 })),
        ("PayloadChunk without sender", new PayloadChunk(
            new PayloadHeader(18, 4096, 1, 7, ProtocolSerializer.SerializerId, "sc", someActor, null), 0, new byte[] { 42 })),
        ("PayloadChunkAck", new PayloadChunkAck(17, 2)),
        ("PayloadRejected", new PayloadRejected(17, "checksum mismatch")),
        ("PayloadOffer", new PayloadOffer(
            new PayloadHeader(19, 65536, 67_108_877, 0xCAFEF00D, ProtocolSerializer.SerializerId, "wu", someActor, someActor), "node-7.example", 40_123,
            [.. Enumerable.Range(1, BulkWire.TokenLength).Select(i => (byte)(i * 15))])),
        ("PayloadOfferTaken", new PayloadOfferTaken(19)),
        ("PayloadOfferFailed", new PayloadOfferFailed(19, "could not connect to node-7.example:40123")),
        ("LaneRequest", new LaneRequest(5)),
        ("LaneInvitation", new LaneInvitation(5, "node-7.example", 40123, [.. Enumerable.Range(100, BulkWire.TokenLength).Select(i => (byte)i)])),
        ("LaneDeclined", new LaneDeclined(5, "message lanes are off on this node")),
    ];

    /// <summary>Values whose bits vary everywhere (a hash of the index), with exponents kept finite.</summary>
    public static float[] ScrambledFloats(int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = BitConverter.UInt32BitsToSingle(unchecked((uint)i * 2654435761u) & 0xBF7F_FFFF);
        return values;
    }

    public static ParameterBuffer Parameters(float[] values) => new(
        [new TensorSlot("cell.w_ih", [2, 3], 0), new TensorSlot("head.bias", [values.Length - 6], 6)],
        values);
}
