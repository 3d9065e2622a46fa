namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Where the run is reported: the log, metrics.jsonl, the plot and checkpoints. The coordinator actor calls it for
/// the loop's report and checkpoint actions; tests can watch a run without files.
/// </summary>
public interface ITrainingJournal
{
    void Step(TrainStepReport report);
    void Evaluated(EvalReport report);
    /// <summary>Writes a checkpoint of the master state after <paramref name="step"/>.</summary>
    void Checkpoint(long step, bool isBest);
    void Finished(RunSummary summary);
    /// <summary>
    /// The coordinator failed while it <paramref name="doing"/> and the run ends: says why, and which checkpoint is
    /// intact to resume from.
    /// </summary>
    void Failed(string doing, Exception error);
}
