namespace AttnRnnCluster.Transport;

/// <summary>The ways a message travels between two nodes (docs/protocol.md), as /metrics counts their bytes.</summary>
public enum TransportChannel
{
    /// <summary>A message in one Akka.Remote frame (below the chunk size, when no lane took it).</summary>
    Akka,
    /// <summary>A message lane: the bulk channel's listener, one TCP connection per pair of nodes.</summary>
    Lane,
    /// <summary>A payload fetched over the bulk channel.</summary>
    Bulk,
    /// <summary>A payload in chunks over Akka.Remote.</summary>
    Chunks,
}
