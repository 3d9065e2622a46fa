using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>
/// The only serializer of the training protocol's messages (<see cref="IProtocolMessage"/>). Weights and gradients
/// travel in <see cref="FormatSerializer.Precision"/>, read from <c>attnrnn.wire-precision</c>. Its config:
/// <see cref="Hocon"/>.
/// </summary>
public sealed class ProtocolSerializer : FormatSerializer
{
    /// <summary>Akka's id for this serializer on the wire; 0–100 are Akka's own, so any larger unused number does.</summary>
    public const int SerializerId = 4711;

    public const string Name = "attnrnn-protocol";

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
        ShardFormats.ShardProgress,
    ];

    /// <summary>Called by Akka: the precision comes from <see cref="PrecisionOption"/> (f32 when absent).</summary>
    public ProtocolSerializer(ExtendedActorSystem system)
        : this(system, ReadPrecision(system.Settings.Config))
    {
    }

    public ProtocolSerializer(ExtendedActorSystem system, WirePrecision precision) : base(system, "protocol", Formats, precision)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>
    /// The serializer bound to <see cref="IProtocolMessage"/>, the precision of weights and gradients, and no fallback to
    /// Akka's JSON serializer for anything unbound (Akka's own messages keep their built-in serializers).
    /// </summary>
    public static string Hocon(WirePrecision precision) => $$"""
        akka.actor {
          serializers {
            {{Name}} = "{{TypeName(typeof(ProtocolSerializer))}}"
          }
          serialization-bindings {
            "{{TypeName(typeof(IProtocolMessage))}}" = {{Name}}
          }
          # Akka 1.5.66+: a type with no binding is an error instead of silently going to the
          # System.Object (Newtonsoft JSON) serializer.
          serialization-settings.allow-unregistered-types = false
        }
        {{PrecisionOption}} = {{precision.Name()}}
        """;

    private static WirePrecision ReadPrecision(Config config) =>
        WirePrecisionNames.Parse(config.GetString(PrecisionOption, "f32"), PrecisionOption);
}
