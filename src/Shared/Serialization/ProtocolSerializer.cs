using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using AttnRnnCluster.Shared.Protocol;

namespace AttnRnnCluster.Shared.Serialization;

/// <summary>
/// The only serializer of protocol messages: hand-written little-endian layouts chosen by a short manifest, with
/// a format version byte first (see docs/protocol.md). Weights and gradients travel in <see cref="Precision"/>,
/// read from <c>attnrnn.wire-precision</c>; decoding accepts either precision. Bound to
/// <see cref="IProtocolMessage"/> by <see cref="WireConfig"/>.
/// </summary>
public sealed class ProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>Akka's id for this serializer on the wire; 0–100 are Akka's own, so any larger unused number does.</summary>
    public const int SerializerId = 4711;

    public const string PrecisionOption = "attnrnn.wire-precision";

    /// <summary>Every protocol message, by manifest. A new message needs a new, never reused, manifest here.</summary>
    public static readonly IReadOnlyList<MessageFormat> Formats =
    [
        HandshakeFormats.RegisterWorker,
        HandshakeFormats.WorkerAccepted,
        HandshakeFormats.WorkerRefused,
        HandshakeFormats.TrainingFinished,
        WeightsFormats.WeightsUpdate,
        ShardFormats.ShardAssignment,
        ShardFormats.ShardCompleted,
        ShardFormats.ShardFailed,
        TransferFormats.PayloadChunk,
        TransferFormats.PayloadChunkAck,
        TransferFormats.PayloadRejected,
        TransferFormats.PayloadOffer,
        TransferFormats.PayloadOfferTaken,
        TransferFormats.PayloadOfferFailed,
        TransferFormats.LaneRequest,
        TransferFormats.LaneInvitation,
        TransferFormats.LaneDeclined,
    ];

    private static readonly FrozenDictionary<string, MessageFormat> ByManifest = Formats.ToFrozenDictionary(f => f.Manifest);
    private static readonly FrozenDictionary<Type, MessageFormat> ByType = Formats.ToFrozenDictionary(f => f.Type);

    /// <summary>Called by Akka: the precision comes from <see cref="PrecisionOption"/> (f32 when absent).</summary>
    public ProtocolSerializer(ExtendedActorSystem system)
        : this(system, ReadPrecision(system.Settings.Config))
    {
    }

    public ProtocolSerializer(ExtendedActorSystem system, WirePrecision precision) : base(system) => Precision = precision;

    /// <summary>How this node encodes weights and gradients.</summary>
    public WirePrecision Precision { get; }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => FormatOf(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        var format = FormatOf(obj);
        var buffer = GC.AllocateUninitializedArray<byte>(EncodedSize(format, obj));
        // Measured and written by the same code, so the buffer fits exactly.
        format.Write(WireWriter.Into(buffer, format.Description), obj, Precision);
        return buffer;
    }

    /// <summary>
    /// Encodes <paramref name="message"/> into <paramref name="buffer"/> (a recycled one, whose memory is already
    /// mapped: a fresh 64 MB array costs more in page faults than the encoding itself), which must be exactly
    /// <see cref="EncodedSize(IProtocolMessage)"/> bytes long.
    /// </summary>
    public void ToBinary(IProtocolMessage message, byte[] buffer)
    {
        var format = FormatOf(message);
        var writer = WireWriter.Into(buffer, format.Description);
        format.Write(writer, message, Precision);
        if (writer.Position != buffer.Length)
            throw new ArgumentException($"{format.Description} takes {writer.Position} bytes, the buffer has {buffer.Length}", nameof(buffer));
    }

    /// <summary>The exact length <see cref="ToBinary"/> would return, without copying any array.</summary>
    public int EncodedSize(IProtocolMessage message) => EncodedSize(FormatOf(message), message);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var format))
            throw new SerializationException(
                $"Unknown protocol manifest '{manifest}' ({bytes.Length} bytes): the sender speaks a protocol this node does not know. Known: {string.Join(", ", ByManifest.Keys.Order())}.");
        return format.Read(new WireReader(bytes, format.Description, system));
    }

    private int EncodedSize(MessageFormat format, object message)
    {
        var measuring = WireWriter.Measuring(format.Description);
        format.Write(measuring, message, Precision);
        return measuring.Position;
    }

    private static MessageFormat FormatOf(object message) =>
        ByType.TryGetValue(message.GetType(), out var format)
            ? format
            : throw new SerializationException(
                $"{message.GetType().FullName} has no wire format: add one to {nameof(ProtocolSerializer)}.{nameof(Formats)}.");

    private static WirePrecision ReadPrecision(Config config) =>
        WirePrecisionNames.Parse(config.GetString(PrecisionOption, "f32"), PrecisionOption);
}
