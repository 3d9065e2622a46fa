using Akka.Actor;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Transport;

/// <summary>
/// This node's way to one other node for messages below the bulk threshold. <see cref="LaneState.Closed"/>: they go
/// over Akka (in chunks when larger than one). <see cref="LaneState.Opening"/>: they are held, so that none overtakes another while the lane is
/// being set up, and then written on it in order (or, if it cannot be opened, sent over Akka in order).
/// <see cref="LaneState.Open"/>: each is written at once on the caller's thread. Every field is guarded by
/// <see cref="Gate"/>; <see cref="MessageLanes"/> makes the transitions.
/// </summary>
internal sealed class OutgoingLane(Address peer)
{
    public readonly object Gate = new();

    public Address Peer { get; } = peer;
    public LaneState State { get; set; } = LaneState.Closed;

    /// <summary>Which request the state belongs to: answers and timeouts of older attempts are ignored.</summary>
    public long Attempt { get; set; }

    /// <summary>A closed lane is not asked for again before this time (a refused or broken lane is not retried at every message).</summary>
    public DateTime RetryAfter { get; set; } = DateTime.MinValue;

    public Queue<HeldMessage> Held { get; } = new();

    /// <summary>Where the frames are written while open: the connection, or beneath its TLS for a sealed lane.</summary>
    public Stream? Stream { get; set; }

    /// <summary>The connection as opened (its TLS, if any), disposed with the lane.</summary>
    public Stream? Connection { get; set; }

    /// <summary>A sealed lane's key and count of frames (<see cref="LaneSeal"/>); null when its frames go as they are.</summary>
    public LaneSeal? Seal { get; set; }

    /// <summary>Bytes written under <see cref="Seal"/>'s key so far.</summary>
    public long SealedBytes { get; set; }

    /// <summary>A message waiting for the lane (encoded when it is written), kept whole for Akka should the lane not open.</summary>
    public sealed record HeldMessage(IActorRef Recipient, object Message, IActorRef? Sender, FormatSerializer Serializer, int Size);
}
