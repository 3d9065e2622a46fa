namespace AttnRnnCluster.Transport;

/// <summary>Where an <see cref="OutgoingLane"/> stands.</summary>
internal enum LaneState
{
    /// <summary>No lane: messages go over Akka.</summary>
    Closed,
    /// <summary>Asked for, not yet connected: messages are held.</summary>
    Opening,
    /// <summary>Connected: messages are written on it.</summary>
    Open,
}
