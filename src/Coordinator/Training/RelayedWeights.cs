namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The chain data plane: new weights going down a chain of workers, until every one of them has said it has them.
/// One that has not, a shard timeout after they went out (a relay before it stalls), or whose relay is lost, gets them
/// from the coordinator directly.
/// </summary>
public sealed class RelayedWeights(long version, IReadOnlyList<WorkerId> chain, long sentAt)
{
    private readonly HashSet<WorkerId> _have = [];

    public long Version => version;
    public IReadOnlyList<WorkerId> Chain => chain;
    public long SentAt => sentAt;

    public void Have(WorkerId worker)
    {
        if (chain.Contains(worker)) _have.Add(worker);
    }

    /// <summary>The chain's workers still waiting for the weights, in chain order.</summary>
    public List<WorkerId> Waiting => chain.Where(w => !_have.Contains(w)).ToList();

    /// <summary>The worker before <paramref name="worker"/> in the chain; null for the first (the coordinator sends to it).</summary>
    public WorkerId? Before(WorkerId worker)
    {
        for (int at = 1; at < chain.Count; at++)
            if (chain[at] == worker) return chain[at - 1];
        return null;
    }
}
