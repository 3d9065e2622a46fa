namespace AttnRnnCluster.Coordinator.Training;

/// <summary>How the run ended.</summary>
public sealed record RunSummary(
    long Steps,
    double? LastTrainLoss,
    double? LastEvalLoss,
    double? BestEvalLoss,
    bool ReachedTarget,
    string Reason,
    TimeSpan Elapsed,
    bool Failed = false) : Akka.Actor.INoSerializationVerificationNeeded;
