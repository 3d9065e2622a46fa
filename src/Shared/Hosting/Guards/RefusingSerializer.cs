using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// Stands in, under the same name and id, for a serializer of Akka's that nothing of ours sends and no message of
/// Akka's own needs on the wire: Akka's JSON (Newtonsoft, which builds whatever <c>$type</c> a peer names), Protobuf by
/// type name, remote deployment, raw bytes. An inbound frame that names it is refused before anything is read (the
/// manifest is not even resolved to a type: this is a string-manifest serializer) and logged once per peer and minute;
/// anything this node tries to send with it fails at once, so no message of ours can come to depend on it.
/// </summary>
public abstract class RefusingSerializer(ExtendedActorSystem system, int identifier, string refused) : SerializerWithStringManifest(system)
{
    private readonly InboundRefusals _refusals = new(system, "inbound-guard");

    public override int Identifier => identifier;

    public override byte[] ToBinary(object obj) => throw Unused(obj);

    public override string Manifest(object o) => throw Unused(o);

    public override object FromBinary(byte[] bytes, string manifest) =>
        _refusals.Refuse(identifier, manifest, $"{refused} is not read from the network on this node");

    private InvalidOperationException Unused(object message) =>
        new($"{message.GetType().Name} would be sent with {refused} (serializer {identifier}), which this node refuses: bind it to a serializer of ours");
}

/// <summary>Akka's JSON serializer (Newtonsoft, id 1), which would construct any type a peer names.</summary>
public sealed class RefusedJsonSerializer(ExtendedActorSystem system) : RefusingSerializer(system, 1, "Akka's JSON serializer")
{
    /// <summary>Akka passes a serializer its settings section when it has one (JSON does).</summary>
    public RefusedJsonSerializer(ExtendedActorSystem system, Config _) : this(system)
    {
    }
}

/// <summary>Akka.Remote's Protobuf serializer (id 2), which picks the message type from the peer's manifest.</summary>
public sealed class RefusedProtobufSerializer(ExtendedActorSystem system) : RefusingSerializer(system, 2, "Akka's Protobuf-by-type-name serializer")
{
    /// <summary>Akka passes a serializer its settings section when it has one (JSON does).</summary>
    public RefusedProtobufSerializer(ExtendedActorSystem system, Config _) : this(system)
    {
    }
}

/// <summary>Remote deployment (id 3): no actor is ever deployed onto a node of ours from another.</summary>
public sealed class RefusedDaemonCreateSerializer(ExtendedActorSystem system) : RefusingSerializer(system, 3, "remote deployment")
{
    /// <summary>Akka passes a serializer its settings section when it has one (JSON does).</summary>
    public RefusedDaemonCreateSerializer(ExtendedActorSystem system, Config _) : this(system)
    {
    }
}

/// <summary>Raw byte arrays (id 4): nothing of ours or Akka's sends them between nodes.</summary>
public sealed class RefusedBytesSerializer(ExtendedActorSystem system) : RefusingSerializer(system, 4, "the byte-array serializer")
{
    /// <summary>Akka passes a serializer its settings section when it has one (JSON does).</summary>
    public RefusedBytesSerializer(ExtendedActorSystem system, Config _) : this(system)
    {
    }
}
