using Akka.Actor;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The serializer of the transport's control messages (<see cref="ITransportMessage"/>), beside the training
/// protocol's: its own id and manifests, so either can change without the other. A change of a layout here bumps
/// that message's format version (<see cref="TransportFormats"/>), not the training protocol's revision.
/// </summary>
public sealed class TransportSerializer(ExtendedActorSystem system) : FormatSerializer(system, "transport", TransportFormats.All)
{
    public const int SerializerId = 4712;

    public const string Name = "attnrnn-transport";

    public override int Identifier => SerializerId;
}
