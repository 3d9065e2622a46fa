namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// The training protocol's revision. A worker whose revision differs is refused at registration.
/// 1: the first release. 2: the bulk channel's messages (a revision-1 node cannot read a PayloadOffer).
/// 3: message lanes (a revision-2 node cannot read a LaneRequest: its peer waits for an answer, then uses Akka).
/// 4: the transport's messages left this protocol for a serializer of their own (a revision-3 node's LaneRequest does
/// not decode here, so it falls back to Akka and is refused at registration); workers send <see cref="ShardProgress"/>
/// while they compute, at the interval <see cref="WorkerAccepted"/> gives them. From 4 on, a change of the transport
/// changes only the transport's own format versions, never this number.
/// 5: <see cref="RegisterWorker"/> carries the worker's identity (format 2), by which an excluded worker stays excluded
/// when it comes back from another port; a revision-4 registration (format 1) is still read, and refused.
/// 6: <see cref="WorkerAccepted"/> tells the worker the precision of its gradients (format 3): a revision-5 worker
/// would send f32 gradients in a bf16 run, so it is refused at registration.
/// 7: the chain data plane: <see cref="WorkerAccepted"/> names the run's <see cref="DataPlane"/> (format 4),
/// <see cref="ShardCompleted"/> may carry a <see cref="GradientDigest"/> instead of its gradient (format 2), and
/// <see cref="StepPlan"/>, <see cref="SumSegment"/>, <see cref="WeightsSegment"/> and <see cref="RelayDone"/> move a step.
/// 8: the chain's sum starts before the round is complete: a worker's <see cref="StepPlan"/> of one attempt may come in
/// several messages that add up (format 2 marks the one that completes it), sent to the worker's relay instead of the
/// worker actor; a revision-7 worker cannot read format 2 and ignored a second message of an attempt.
/// </summary>
public static class ProtocolRevision
{
    public const int Current = 8;
}
