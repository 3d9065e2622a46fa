using Akka.Actor;
using AttnRnnCluster.Hosting.Monitoring;
using AttnRnnCluster.Http;
using Prometheus;

namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// What a worker shows on its HTTP surface, put together in one place: the probes, /metrics over a registry of its
/// own (the worker's and every node's metrics), each told of every actor system the worker starts.
/// </summary>
public sealed class WorkerMonitoring
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly WorkerProbes _probes = new();
    private readonly NodeMetrics _node;
    private readonly WorkerMetrics _worker;

    public WorkerMonitoring()
    {
        _node = new NodeMetrics(_registry);
        _worker = new WorkerMetrics(_registry);
    }

    public IReadOnlyList<IHttpEndpoints> Endpoints => [new ProbeEndpoints(_probes), new MetricsEndpoint(_registry)];

    /// <summary>A new actor system of this worker (at start, and each time it rejoins).</summary>
    public void Started(ActorSystem system)
    {
        _probes.Attach(system);
        _node.Attach(system);
        _worker.Attach(system);
    }

    public void MembershipEvent(string kind) => _node.MembershipEvent(kind);
}
