namespace AttnRnnCluster.Shared.Protocol;

/// <summary>
/// Marker for every message that crosses between coordinator and workers. The binary serializer is bound
/// to this interface, so a message that does not implement it never reaches the wire by accident.
/// </summary>
public interface IProtocolMessage;

/// <summary>
/// The protocol revision. A worker whose revision differs is refused at registration.
/// 1: the first release. 2: the bulk channel's messages (a revision-1 node cannot read a PayloadOffer).
/// 3: message lanes (a revision-2 node cannot read a LaneRequest: its peer waits for an answer, then uses Akka).
/// </summary>
public static class ProtocolRevision
{
    public const int Current = 3;
}
