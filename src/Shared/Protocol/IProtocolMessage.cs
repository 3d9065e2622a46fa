namespace AttnRnnCluster.Shared.Protocol;

/// <summary>
/// Marker for every message that crosses between coordinator and workers. The binary serializer is bound
/// to this interface, so a message that does not implement it never reaches the wire by accident.
/// </summary>
public interface IProtocolMessage;

/// <summary>The protocol revision. A worker whose revision differs is refused at registration.</summary>
public static class ProtocolRevision
{
    public const int Current = 1;
}
