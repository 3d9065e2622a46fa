namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// One attempt at summing a complete training round along the chain data plane: its hops (the workers holding the kept
/// results, in shard order), the weights chain planned with it, when each hop reported its part done, which hop stalls
/// and which one was slow. Pure bookkeeping with the loop's clock.
/// </summary>
public sealed class ChainReduce(ShardRound round, int attempt, IReadOnlyList<(WorkerId Worker, int[] Shards)> hops, IReadOnlyList<WorkerId> weightsChain, long startedAt)
{
    private readonly long?[] _done = new long?[hops.Count];

    public ShardRound Round => round;
    public int Attempt => attempt;
    public IReadOnlyList<(WorkerId Worker, int[] Shards)> Hops => hops;
    public IReadOnlyList<WorkerId> WeightsChain => weightsChain;
    public long StartedAt => startedAt;

    public bool Involves(WorkerId worker) => hops.Any(h => h.Worker == worker);

    /// <summary>Hop <paramref name="hop"/> sent its last segment on (only its own worker can say so, once).</summary>
    public void HopDone(int hop, WorkerId from, long now)
    {
        if (hop >= 0 && hop < _done.Length && hops[hop].Worker == from) _done[hop] ??= now;
    }

    /// <summary>
    /// The hop the sum waits on, when it has waited <paramref name="timeout"/> or longer since the hop before it was done
    /// (or the plan went out): the first hop not done, or, all done, the last (whose segments have not all come).
    /// </summary>
    public (int Hop, WorkerId Worker, TimeSpan Waited)? Stalled(TimeProvider time, TimeSpan timeout)
    {
        long since = startedAt;
        int hop = 0;
        for (; hop < _done.Length && _done[hop] is { } done; hop++) since = done;
        hop = Math.Min(hop, _done.Length - 1);
        var waited = time.GetElapsedTime(since);
        return waited >= timeout ? (hop, hops[hop].Worker, waited) : null;
    }

    /// <summary>
    /// Once every hop is done: the hop that took longest to pass the sum on (from the hop before it being done, or the
    /// plan going out), when that is over <paramref name="factor"/> times the median of the other hops and at least
    /// <paramref name="minimumMs"/>; null with fewer than two hops (nothing to compare with).
    /// </summary>
    public (int Hop, WorkerId Worker, double Ms, double OthersMedianMs)? Slowest(TimeProvider time, double factor, double minimumMs)
    {
        if (_done.Length < 2 || Array.Exists(_done, d => d == null)) return null;
        var took = new double[_done.Length];
        long since = startedAt;
        for (int h = 0; h < _done.Length; h++)
        {
            took[h] = Math.Max(0, time.GetElapsedTime(since, _done[h]!.Value).TotalMilliseconds);
            since = Math.Max(since, _done[h]!.Value);
        }
        int slowest = Array.IndexOf(took, took.Max());
        var others = took.Where((_, h) => h != slowest).Order().ToArray();
        double median = others.Length % 2 == 1 ? others[others.Length / 2] : (others[others.Length / 2 - 1] + others[others.Length / 2]) / 2;
        return took[slowest] > Math.Max(factor * median, minimumMs) ? (slowest, hops[slowest].Worker, took[slowest], median) : null;
    }
}
