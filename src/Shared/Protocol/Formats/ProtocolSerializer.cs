using Akka.Actor;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>
/// The only serializer of the training protocol's messages (<see cref="IProtocolMessage"/>). Weights and gradients
/// travel in the precision their message names (<see cref="WeightsUpdate.Precision"/>,
/// <see cref="ShardCompleted.GradientPrecision"/>): a property of the message, set by its sender, not of the node. Its
/// config: <see cref="Hocon"/>.
/// </summary>
public sealed class ProtocolSerializer : FormatSerializer
{
    /// <summary>Akka's id for this serializer on the wire; 0–100 are Akka's own, so any larger unused number does.</summary>
    public const int SerializerId = 4711;

    public const string Name = "attnrnn-protocol";

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
        RelayFormats.StepPlan,
        RelayFormats.SumSegment,
        RelayFormats.WeightsSegment,
        RelayFormats.RelayDone,
    ];

    /// <summary>Called by Akka.</summary>
    public ProtocolSerializer(ExtendedActorSystem system) : base(system, "protocol", Formats)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>
    /// The serializer bound to <see cref="IProtocolMessage"/>, and no fallback to Akka's JSON serializer for anything
    /// unbound (Akka's own messages keep their built-in serializers).
    /// </summary>
    public static readonly string Hocon = $$"""
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
        """;
}
