using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>What can happen to a <see cref="TrainingLoop"/>: the coordinator actor turns each message into one of these.</summary>
public interface ITrainingEvent;

/// <summary>
/// A worker asked to take part. <paramref name="Identity"/> identifies it across registrations, whatever port or actor
/// it comes from (exclusion is by identity: see <see cref="TrainingCoordinator.IdentityOf"/>); <paramref name="Location"/>
/// is where it runs, for the log.
/// </summary>
public sealed record WorkerRegistered(WorkerId Worker, string Identity, string Location, RegisterWorker Registration) : ITrainingEvent;

/// <summary>A worker is gone (its actor or process ended, or its node was downed).</summary>
public sealed record WorkerLost(WorkerId Worker, string Why) : ITrainingEvent;

public sealed record ResultReceived(WorkerId Worker, ShardCompleted Result) : ITrainingEvent;

public sealed record FailureReceived(WorkerId Worker, ShardFailed Failure) : ITrainingEvent;

public sealed record ProgressReceived(WorkerId Worker, ShardProgress Progress) : ITrainingEvent;

/// <summary>The chain data plane: the last hop's running sum of the step from weights <paramref name="Version"/>, complete (read during the event only).</summary>
public sealed record SumRelayed(long Version, int Attempt, float[] Sum) : ITrainingEvent;

/// <summary>The chain data plane: a worker did its part of a step's plan.</summary>
public sealed record RelayReported(WorkerId Worker, RelayDone Done) : ITrainingEvent;

/// <summary>The process was asked to stop (a signal): save what can be saved and end the run, resumable.</summary>
public sealed record StopRequested(string Reason) : ITrainingEvent;

/// <summary>Time passed: the loop checks its deadlines (start timeout, silent workers, stragglers).</summary>
public sealed record Tick : ITrainingEvent
{
    public static readonly Tick Now = new();
}
