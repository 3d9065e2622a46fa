namespace AttnRnnCluster.Worker.Training;

/// <summary>Why a worker actor stopped, which decides what its process logs and how it exits.</summary>
public enum WorkerStopKind
{
    /// <summary>The coordinator said the run is over.</summary>
    Finished,
    /// <summary>The coordinator refused or excluded this worker.</summary>
    Refused,
    /// <summary>This worker could not go on by itself (it cannot build the model, or it failed outside a shard).</summary>
    Failed,
}
