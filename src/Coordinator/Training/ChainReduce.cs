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
    /// Once every hop is done: the hop after the first that took longest to pass the sum on (from the hop before it
    /// being done), when that is over <paramref name="factor"/> times the median of the other such hops and at least
    /// <paramref name="minimumMs"/>. Hop 0 is not compared: it sends the whole sum out at its link's pace, while a later
    /// hop, pipelined behind it, is done about one segment after the hop before it; so a slow first relay shows in the
    /// step's reduce time, not by name. Null with fewer than two hops after the first (nothing to compare with).
    /// </summary>
    public (int Hop, WorkerId Worker, double Ms, double OthersMedianMs)? Slowest(TimeProvider time, double factor, double minimumMs)
    {
        if (_done.Length < 3 || Array.Exists(_done, d => d == null)) return null;
        var took = new double[_done.Length];
        for (int h = 1; h < _done.Length; h++)
            took[h] = Math.Max(0, time.GetElapsedTime(_done[h - 1]!.Value, _done[h]!.Value).TotalMilliseconds);
        int slowest = 1;
        for (int h = 2; h < took.Length; h++)
            if (took[h] > took[slowest]) slowest = h;
        var others = Enumerable.Range(1, took.Length - 1).Where(h => h != slowest).Select(h => took[h]).Order().ToArray();
        double median = others.Length % 2 == 1 ? others[others.Length / 2] : (others[others.Length / 2 - 1] + others[others.Length / 2]) / 2;
        return took[slowest] > Math.Max(factor * median, minimumMs) ? (slowest, hops[slowest].Worker, took[slowest], median) : null;
    }
}
