namespace AttnRnnCluster.Coordinator.Training;

public enum WorkerState
{
    /// <summary>Registered and answering: it gets work.</summary>
    Active,
    /// <summary>Silent for the shard timeout: it gets no work until it is heard from again.</summary>
    Silent,
}

/// <summary>
/// One row of the worker table reported with each step: who it is, whether it gets work, how many shards it has done,
/// how many bad results it has sent, and how late its latest shard was against the run's median (milliseconds).
/// </summary>
public sealed record WorkerStatus(
    string Name,
    string Location,
    WorkerState State,
    long ShardsDone,
    int BadResults,
    double? LastShardMs,
    double LatenessMs);
