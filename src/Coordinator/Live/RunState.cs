namespace AttnRnnCluster.Coordinator.Live;

/// <summary>Where the run is, as the live page shows it.</summary>
public enum RunState
{
    /// <summary>No step yet: the coordinator waits for --min-workers (or for the first step's results).</summary>
    WaitingForWorkers,
    Training,
    /// <summary>Reached the target or the step cap.</summary>
    Finished,
    /// <summary>Stopped by a signal, resumable.</summary>
    Stopped,
    Failed,
}
