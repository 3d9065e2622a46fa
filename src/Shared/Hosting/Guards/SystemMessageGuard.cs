using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Remote.Serialization;
using Akka.Serialization;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// Akka.Remote's serializer of system messages (id 22), decoding only what remote DeathWatch needs: <c>Watch</c>,
/// <c>Unwatch</c> and <c>DeathWatchNotification</c>, each only about an actor of the node that sent it (a peer may
/// watch from its own actors and report the end of its own actors, never of another node's). Akka.Remote's untrusted
/// mode passes every system message through, so without this a foreign node could stop, suspend or restart any actor
/// (<c>Terminate</c>, <c>Suspend</c>, <c>Recreate</c>, <c>Failed</c>, <c>Create</c>, <c>Supervise</c>, <c>Resume</c>):
/// those are refused. Sending is Akka's own, unchanged.
/// </summary>
public sealed class SystemMessageGuard(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 22;

    private readonly SystemMessageSerializer _akka = new(system);
    private readonly InboundRefusals _refusals = new(system, "inbound-guard");

    public override int Identifier => Id;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) => _akka.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type)
    {
        string manifest = type?.Name ?? "(none)";
        if (type != typeof(Watch) && type != typeof(Unwatch) && type != typeof(DeathWatchNotification))
            return _refusals.Refuse(Id, manifest, "a node of ours takes no system message from another but those of DeathWatch");
        var message = _akka.FromBinary(bytes, type);
        var about = message switch
        {
            Watch watch => watch.Watcher,
            Unwatch unwatch => unwatch.Watcher,
            DeathWatchNotification death => death.Actor,
            _ => null,
        };
        // Outside a remote association (a local check) there is no peer to compare with.
        return InboundPeer.Current() is { } peer && about != null && !peer.Equals(about.Path.Address)
            ? _refusals.Refuse(Id, manifest, $"it speaks for {about.Path.Address}, another node than the sender")
            : message;
    }
}
