using Akka.Actor;
using AttnRnnCluster.Http;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// The worker's answers to /healthz and /readyz. Alive: its current actor system runs (a worker that rejoins starts a
/// fresh one, <see cref="Attach"/>). Ready: alive, a cluster member registered with a coordinator, which it has not
/// lost since, and the run is not over. It learns all that from the node's event stream.
/// </summary>
public sealed class WorkerProbes : INodeProbes
{
    private volatile ActorSystem? _system;
    private volatile string _notReady = "not registered with a coordinator yet";
    private volatile bool _registered;

    /// <summary>Watches a new actor system of this worker: not registered with anyone yet.</summary>
    public void Attach(ActorSystem system)
    {
        _registered = false;
        _notReady = "joining the cluster; not registered with a coordinator yet";
        _system = system;
        var listener = system.ActorOf(Props.Create(() => new Listener(this)), "probes-listener");
        system.EventStream.Subscribe(listener, typeof(TrainingWorker.Registered));
        system.EventStream.Subscribe(listener, typeof(TrainingWorker.WorkerStopped));
        system.EventStream.Subscribe(listener, typeof(CoordinatorLocator.CoordinatorGone));
    }

    public ProbeAnswer Liveness() => _system switch
    {
        null => ProbeAnswer.No("the actor system has not started yet"),
        { WhenTerminated.IsCompleted: true } => ProbeAnswer.No("the actor system has stopped (the worker rejoins or exits)"),
        _ => ProbeAnswer.Yes("the actor system runs"),
    };

    public ProbeAnswer Readiness()
    {
        var alive = Liveness();
        if (!alive.Ok) return alive;
        return _registered ? ProbeAnswer.Yes("registered with the coordinator") : ProbeAnswer.No(_notReady);
    }

    private void Registered() => _registered = true;

    private void NotReady(string why)
    {
        _notReady = why;
        _registered = false;
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(WorkerProbes probes)
        {
            Receive<TrainingWorker.Registered>(_ => probes.Registered());
            Receive<CoordinatorLocator.CoordinatorGone>(_ => probes.NotReady("lost the coordinator; looking for it again"));
            Receive<TrainingWorker.WorkerStopped>(m => probes.NotReady($"the worker stopped: {m.Kind}"));
        }
    }
}
