using Akka.Actor;
using AttnRnnCluster.Coordinator.Hosting;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting.Monitoring;
using AttnRnnCluster.Http;
using Prometheus;

namespace AttnRnnCluster.Coordinator.Monitoring;

/// <summary>
/// What the coordinator shows on its HTTP surface, put together in one place: the probes and /metrics over a
/// registry of its own (the run's metrics and every node's), with the journals that feed them and the callbacks that
/// tell them of the actor system and of membership events.
/// </summary>
public sealed class CoordinatorMonitoring
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly CoordinatorProbes _probes;
    private readonly CoordinatorMetrics _run;
    private readonly NodeMetrics _node;

    public CoordinatorMonitoring(CancellationToken stopping)
    {
        _probes = new CoordinatorProbes(stopping);
        _run = new CoordinatorMetrics(_registry);
        _node = new NodeMetrics(_registry);
    }

    /// <summary>The journals the run reports to, for the probes (the run's end) and /metrics.</summary>
    public IReadOnlyList<ITrainingJournal> Journals => [_probes, _run];

    public IReadOnlyList<IHttpEndpoints> Endpoints => [new ProbeEndpoints(_probes), new MetricsEndpoint(_registry)];

    public void Started(ActorSystem system)
    {
        _probes.Started(system);
        _node.Attach(system);
    }

    public void MembershipEvent(string kind) => _node.MembershipEvent(kind);
}
