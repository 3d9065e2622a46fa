namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Reports a run to several journals, in the order given (the run folder's first: what it throws, such as a
/// checkpoint that could not be written, ends the run before the others hear of the step). The one place where the
/// outputs of a run (run folder, live page, …) are put together.
/// </summary>
public sealed class FanOutJournal(params IReadOnlyList<ITrainingJournal> journals) : ITrainingJournal
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
