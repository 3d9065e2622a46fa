namespace AttnRnnCluster.Transport;

/// <summary>Answer to <see cref="LaneRequest"/>: no lane (the reason); the asking node keeps sending over Akka.</summary>
public sealed record LaneDeclined(long Attempt, string Reason) : ITransportMessage;
