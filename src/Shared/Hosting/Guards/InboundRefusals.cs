using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// Turns a refused inbound message into a <see cref="RefusedInboundMessage"/> and one warning per peer and minute
/// (no stack trace: a refusal is expected, not a bug), naming the peer, the serializer and what it carried.
/// One per guard serializer, so per actor system.
/// </summary>
public sealed class InboundRefusals(ExtendedActorSystem system, string guard)
{
    // Made at the first refusal: serializers are built while the actor system is, before it can log.
    private readonly Lazy<ILoggingAdapter> _log = new(() => Akka.Event.Logging.GetLogger(system, guard));
    private readonly OncePerKey _limit = new();

    public RefusedInboundMessage Refuse(int serializerId, string? manifest, string why)
    {
        // Akka.Remote passes null for a frame without a manifest (Akka's JSON writes none).
        manifest ??= "";
        string peer = InboundPeer.Current()?.ToString() ?? "an unknown peer";
        if (_limit.TryPass(peer, out int suppressed))
            _log.Value.Warning("Dropped an inbound message from {0} (serializer {1}, manifest '{2}'): {3}{4}", peer, serializerId, Printable(manifest), why,
                suppressed > 0 ? $"; {suppressed} more from it dropped since the last such line" : "");
        return new RefusedInboundMessage(serializerId, manifest);
    }

    /// <summary>The peer wrote the manifest: at most 100 characters of it, control characters shown as '?'.</summary>
    private static string Printable(string manifest)
    {
        var shown = manifest.Length > 100 ? manifest[..100] + "…" : manifest;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
