using System.Net;
using Akka.Actor;
using Akka.Actor.Internal;

namespace AttnRnnCluster.Hosting.Guards;

/// <summary>
/// The remote node whose frame is being decoded. Akka.Remote decodes an inbound message on the reader actor of the
/// association it came in on, named <c>endpointReader-{url-encoded address}-{n}</c>; a serializer asks that actor's
/// name. Null when the decoding runs anywhere else (a local serialization check, a test).
/// </summary>
public static class InboundPeer
{
    private const string ReaderPrefix = "endpointReader-";

    public static Address? Current()
    {
        string? name = InternalCurrentActorCellKeeper.Current?.Self.Path.Name;
        if (name is null || !name.StartsWith(ReaderPrefix, StringComparison.Ordinal)) return null;
        int counter = name.LastIndexOf('-');
        if (counter <= ReaderPrefix.Length) return null;
        return Address.TryParse(WebUtility.UrlDecode(name[ReaderPrefix.Length..counter]), out var address) ? address : null;
    }
}
