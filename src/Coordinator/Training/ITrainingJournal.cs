namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Where the coordinator reports the run: the log, metrics.jsonl, the plot and checkpoints. Kept out of the
/// actor so the actor stays about scheduling, and tests can watch a run without files.
/// </summary>
public interface ITrainingJournal
{
    void Step(TrainStepReport report);
    void Evaluated(EvalReport report);
    /// <summary>Writes a checkpoint of the master state after <paramref name="step"/>; returns its path.</summary>
    string? Checkpoint(long step, bool isBest);
    void Finished(RunSummary summary);
}
