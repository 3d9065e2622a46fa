namespace AttnRnnCluster.Http;

/// <summary>
/// What a node says about itself to /healthz and /readyz. Each node kind (coordinator, worker) answers from what it
/// knows; the surface only turns the answers into status codes. Called on Kestrel's threads, at any time: answers
/// must be cheap and thread-safe.
/// </summary>
public interface INodeProbes
{
    /// <summary>The process is alive and its actor system runs (Kubernetes' liveness probe: restart me if not).</summary>
    ProbeAnswer Liveness();

    /// <summary>The node does its job: a coordinator accepts workers or trains; a worker is registered with a coordinator.</summary>
    ProbeAnswer Readiness();
}
