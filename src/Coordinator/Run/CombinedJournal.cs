using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The one place where the run's outputs are put together: every report goes to each journal in the order given (the
/// run folder's <see cref="RunJournal"/> first, then /metrics, the probes, …). Only the journals that keep checkpoints
/// do anything with <see cref="Checkpoint"/>.
/// </summary>
public sealed class CombinedJournal(IReadOnlyList<ITrainingJournal> journals) : ITrainingJournal
{
    public void Step(TrainStepReport report)
    {
        foreach (var journal in journals) journal.Step(report);
    }

    public void Evaluated(EvalReport report)
    {
        foreach (var journal in journals) journal.Evaluated(report);
    }

    public void Checkpoint(long step, bool isBest)
    {
        foreach (var journal in journals) journal.Checkpoint(step, isBest);
    }

    public void Finished(RunSummary summary)
    {
        foreach (var journal in journals) journal.Finished(summary);
    }

    public void Failed(string doing, Exception error)
    {
        foreach (var journal in journals) journal.Failed(doing, error);
    }
}
