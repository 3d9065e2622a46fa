using Akka.Actor;
using Akka.Cluster;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Worker.Training;
using Prometheus;

namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// The worker on /metrics, from its event stream: each shard it computed (count and compute time, by kind), and
/// whether its coordinator is reachable (1 from its registration on, 0 once the coordinator is unreachable or gone,
/// and in a fresh actor system until it registers again).
/// </summary>
public sealed class WorkerMetrics
{
    /// <summary>1 ms to about two minutes, doubling: a shard of a tiny model to one of a large model.</summary>
    private static readonly double[] SecondsBuckets = Histogram.ExponentialBuckets(0.001, 2, 18);

    private readonly Counter _shards;
    private readonly Histogram _computeSeconds;
    private readonly Gauge _coordinatorReachable;

    public WorkerMetrics(CollectorRegistry registry)
    {
        var metrics = Metrics.WithCustomRegistry(registry);
        _shards = metrics.CreateCounter("attnrnn_shards_computed_total", "Shards this worker computed and answered, by kind (train, eval)", "kind");
        _computeSeconds = metrics.CreateHistogram("attnrnn_shard_compute_seconds", "Time this worker took to compute one shard, by kind (train, eval)",
            new HistogramConfiguration { Buckets = SecondsBuckets, LabelNames = ["kind"] });
        _coordinatorReachable = metrics.CreateGauge("attnrnn_coordinator_reachable", "1 while this worker is registered with a reachable coordinator, else 0");
        foreach (string kind in new[] { "train", "eval" })
        {
            // Both kinds from the start, at 0: a dashboard's rate() then has a series before the first shard.
            _shards.WithLabels(kind);
            _computeSeconds.WithLabels(kind);
        }
    }

    /// <summary>Listens to a new actor system of this worker: not registered with anyone yet.</summary>
    public void Attach(ActorSystem system)
    {
        _coordinatorReachable.Set(0);
        var listener = system.ActorOf(Props.Create(() => new Listener(this)), "metrics-listener");
        system.EventStream.Subscribe(listener, typeof(TrainingWorker.ShardComputed));
        system.EventStream.Subscribe(listener, typeof(TrainingWorker.Registered));
        system.EventStream.Subscribe(listener, typeof(TrainingWorker.WorkerStopped));
        system.EventStream.Subscribe(listener, typeof(CoordinatorLocator.CoordinatorGone));
        Cluster.Get(system).Subscribe(listener, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent));
    }

    private void Computed(TrainingWorker.ShardComputed shard)
    {
        string kind = shard.Kind == WorkKind.Train ? "train" : "eval";
        _shards.WithLabels(kind).Inc();
        _computeSeconds.WithLabels(kind).Observe(shard.ComputeTime.TotalSeconds);
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(WorkerMetrics metrics)
        {
            bool registered = false;
            Receive<TrainingWorker.ShardComputed>(metrics.Computed);
            Receive<TrainingWorker.Registered>(_ =>
            {
                registered = true;
                metrics._coordinatorReachable.Set(1);
            });
            Receive<TrainingWorker.WorkerStopped>(_ =>
            {
                registered = false;
                metrics._coordinatorReachable.Set(0);
            });
            Receive<CoordinatorLocator.CoordinatorGone>(_ =>
            {
                registered = false;
                metrics._coordinatorReachable.Set(0);
            });
            Receive<ClusterEvent.UnreachableMember>(m => m.Member.HasRole(ClusterRoles.Coordinator), _ => metrics._coordinatorReachable.Set(0));
            Receive<ClusterEvent.ReachableMember>(m => m.Member.HasRole(ClusterRoles.Coordinator) && registered, _ => metrics._coordinatorReachable.Set(1));
            Receive<object>(_ => { });
        }

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
    }
}
