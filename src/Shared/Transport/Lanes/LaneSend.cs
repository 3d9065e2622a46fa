namespace AttnRnnCluster.Transport;

/// <summary>What became of a message given to <see cref="MessageLanes.TrySend"/>.</summary>
public enum LaneSend
{
    /// <summary>No lane to its node, and none being opened: the caller sends it without one.</summary>
    NoLane,

    /// <summary>Held while its lane opens: written later (or sent over Akka), so the message is still read after the call.</summary>
    Held,

    /// <summary>Encoded and written on its lane during the call: nothing refers to the message any more.</summary>
    Written,
}
