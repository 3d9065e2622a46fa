using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// Several journals as one: each report goes to every journal, in the order given (the run journal first, so its
/// log lines and checkpoints come before what the other views make of the same report). A journal that throws stops
/// the report there, as a lone journal would: the run journal's checkpoint errors end the run.
/// </summary>
public sealed class JournalFanOut(IReadOnlyList<ITrainingJournal> journals) : ITrainingJournal
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
