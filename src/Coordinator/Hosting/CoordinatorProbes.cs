using Akka.Actor;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Http;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>
/// The coordinator's answers to /healthz and /readyz. Alive: its actor system runs. Ready: alive, and the run neither
/// ended (it learns that as a journal: <see cref="Finished"/>, <see cref="Failed"/>) nor is stopping (a signal).
/// </summary>
public sealed class CoordinatorProbes(CancellationToken stopping) : INodeProbes, ITrainingJournal
{
    private volatile ActorSystem? _system;
    private volatile string? _ended;

    /// <summary>The run's actor system, once it is created.</summary>
    public void Started(ActorSystem system) => _system = system;

    public ProbeAnswer Liveness() => _system switch
    {
        null => ProbeAnswer.No("the actor system has not started yet"),
        { WhenTerminated.IsCompleted: true } => ProbeAnswer.No("the actor system has stopped"),
        _ => ProbeAnswer.Yes("the actor system runs"),
    };

    public ProbeAnswer Readiness()
    {
        var alive = Liveness();
        if (!alive.Ok) return alive;
        if (_ended is { } ended) return ProbeAnswer.No(ended);
        return stopping.IsCancellationRequested
            ? ProbeAnswer.No("the run is stopping")
            : ProbeAnswer.Yes("the coordinator accepts workers and trains");
    }

    public void Finished(RunSummary summary) =>
        _ended = summary.Stopped ? "the run was stopped" : summary.Failed ? "the run failed" : "the run is finished";

    public void Failed(string doing, Exception error) => _ended = "the run failed";

    public void Step(TrainStepReport report)
    {
    }

    public void Evaluated(EvalReport report)
    {
    }

    public void Checkpoint(long step, bool isBest)
    {
    }
}
