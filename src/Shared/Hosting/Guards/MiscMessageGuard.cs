using Akka.Actor;
using Akka.Remote.Serialization;
using Akka.Serialization;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// Akka.Remote's serializer of its miscellaneous messages (id 16), decoding only those a node of ours needs from
/// another: <c>Identify</c> and <c>ActorIdentity</c> (a worker finds the coordinator), actor references, and the remote
/// watcher's heartbeats. Everything else it knows is refused: <c>PoisonPill</c> and <c>Kill</c> (Akka.NET's untrusted
/// mode lets a remote Kill through), <c>Status.Failure</c> (an exception of a type the peer names), routers, configs
/// and deployment scopes. Sending is Akka's own, unchanged.
/// </summary>
public sealed class MiscMessageGuard(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 16;

    /// <summary>The manifests decoded: Identify, ActorIdentity, an actor reference, heartbeat, heartbeat answer.</summary>
    private static readonly HashSet<string> Needed = ["ID", "AID", "AR", "RWHB", "RWHR"];

    private readonly MiscMessageSerializer _akka = new(system);
    private readonly InboundRefusals _refusals = new(system, "inbound-guard");

    public override int Identifier => Id;

    public override byte[] ToBinary(object obj) => _akka.ToBinary(obj);

    public override string Manifest(object o) => _akka.Manifest(o);

    public override object FromBinary(byte[] bytes, string manifest) =>
        Needed.Contains(manifest)
            ? _akka.FromBinary(bytes, manifest)
            : _refusals.Refuse(Id, manifest, "a node of ours takes no PoisonPill, Kill, failure, router or deployment from another");
}
