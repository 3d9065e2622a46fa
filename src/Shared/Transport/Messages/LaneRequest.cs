namespace AttnRnnCluster.Transport;

/// <summary>
/// A node's <c>payload-receiver</c> → another node's: "may I open a message lane to you?" Answered by
/// <see cref="LaneInvitation"/> or <see cref="LaneDeclined"/>, to the asking receiver.
/// </summary>
public sealed record LaneRequest(long Attempt) : ITransportMessage;
