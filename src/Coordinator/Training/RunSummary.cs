namespace AttnRnnCluster.Coordinator.Training;

/// <summary>How the run ended: finished (target or step cap), <see cref="Failed"/>, or <see cref="Stopped"/> on request (resumable).</summary>
public sealed record RunSummary(
    long Steps,
    double? LastTrainLoss,
    double? LastEvalLoss,
    double? BestEvalLoss,
    bool ReachedTarget,
    string Reason,
    TimeSpan Elapsed,
    bool Failed = false,
    bool Stopped = false) : Akka.Actor.INoSerializationVerificationNeeded
{
    /// <summary>Reached the target or the step cap: a restart of this run has nothing left to do.</summary>
    public bool Finished => !Failed && !Stopped;
}
