namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// One attempt at summing a training round along the chain data plane. It starts before the round is complete: each hop
/// (a worker holding kept results, with its run of consecutive shards) is planned as soon as the shards up to it are all
/// kept and the worker after it is known (<see cref="ShardRound.SettledHops"/>), so the sum runs down the chain while
/// the last shards are still computed. Once the round is complete, the last hops and the weights' chain are planned
/// (<see cref="Complete"/>). It keeps when each hop was planned and reported done, which hop stalls and which was slow.
/// Pure bookkeeping with the loop's clock.
/// </summary>
public sealed class ChainReduce(ShardRound round, int attempt)
{
    private readonly List<(WorkerId Worker, int[] Shards)> _hops = [];
    private readonly List<long> _plannedAt = [];
    private readonly List<long?> _done = [];

    public ShardRound Round => round;
    public int Attempt => attempt;
    /// <summary>The hops planned so far, in shard order.</summary>
    public IReadOnlyList<(WorkerId Worker, int[] Shards)> Hops => _hops;
    /// <summary>The worker the last planned hop sends to, until the plan is complete (then the coordinator).</summary>
    public WorkerId? Next { get; private set; }
    /// <summary>The chain the new weights go down, once the plan is complete; null before.</summary>
    public IReadOnlyList<WorkerId>? WeightsChain { get; private set; }
    public bool IsComplete => WeightsChain != null;
    /// <summary>When the round was complete and the plan with it (a timestamp): the step's reduce time counts from here.</summary>
    public long CompletedAt { get; private set; }

    /// <summary>Whether the worker's kept results are in the sum planned so far, or the last planned hop sends to it.</summary>
    public bool Involves(WorkerId worker) => Next == worker || _hops.Exists(h => h.Worker == worker);

    /// <summary>
    /// Takes the round's settled hops (<paramref name="settled"/>, and <paramref name="next"/>, the worker after them):
    /// returns the index of the first hop not planned before (the count of hops when none is new), or -1 when the hops
    /// planned before are no longer the settled ones' start (a kept result was taken back: the attempt is void).
    /// </summary>
    public int Extend(IReadOnlyList<(WorkerId Worker, int[] Shards)> settled, WorkerId? next, long now)
    {
        if (IsComplete || settled.Count < _hops.Count) return -1;
        for (int h = 0; h < _hops.Count; h++)
            if (settled[h].Worker != _hops[h].Worker || !settled[h].Shards.AsSpan().SequenceEqual(_hops[h].Shards)) return -1;
        // The last planned hop already sends to Next: the first settled hop after it must be Next's.
        if (settled.Count > _hops.Count && Next is { } promised && settled[_hops.Count].Worker != promised) return -1;
        int first = _hops.Count;
        for (int h = first; h < settled.Count; h++)
        {
            _hops.Add(settled[h]);
            _plannedAt.Add(now);
            _done.Add(null);
        }
        if (settled.Count > first) Next = next;
        return first;
    }

    /// <summary>The round is complete and every hop planned (see <see cref="Extend"/>): the new weights go down <paramref name="weightsChain"/>.</summary>
    public void Complete(IReadOnlyList<WorkerId> weightsChain, long now)
    {
        WeightsChain = weightsChain;
        Next = null;
        CompletedAt = now;
    }

    /// <summary>Hop <paramref name="hop"/> sent its last segment on (only its own worker can say so, once).</summary>
    public void HopDone(int hop, WorkerId from, long now)
    {
        if (hop >= 0 && hop < _done.Count && _hops[hop].Worker == from) _done[hop] ??= now;
    }

    /// <summary>
    /// The hop the sum waits on, when it has waited <paramref name="timeout"/> or longer since it could go on (the hop
    /// before it was done and it was planned): the first hop not done, or, all done and the plan complete, the last
    /// (whose segments have not all come). Null while the sum waits for results to plan its next hop.
    /// </summary>
    public (int Hop, WorkerId Worker, TimeSpan Waited)? Stalled(TimeProvider time, TimeSpan timeout)
    {
        int hop = 0;
        while (hop < _done.Count && _done[hop] != null) hop++;
        long since;
        if (hop < _done.Count) since = CouldGoOnAt(hop);
        else if (IsComplete && hop > 0) since = _done[--hop]!.Value;
        else return null;
        var waited = time.GetElapsedTime(since);
        return waited >= timeout ? (hop, _hops[hop].Worker, waited) : null;
    }

    /// <summary>When hop <paramref name="hop"/> had its plan and all of its input sent to it.</summary>
    private long CouldGoOnAt(int hop) => hop == 0 ? _plannedAt[0] : Math.Max(_plannedAt[hop], _done[hop - 1] ?? _plannedAt[hop]);

    /// <summary>
    /// Once every hop is done: the hop after the first that took longest to pass the sum on, when that is over
    /// <paramref name="factor"/> times the median of the other such hops and at least <paramref name="minimumMs"/>.
    /// What a hop took is its time beyond the earliest it could have been done: right after the hop before it (it is
    /// pipelined behind it, a segment or so later), and no sooner than its plan plus the time hop 0 needed from its plan
    /// to its last segment (a hop planned late, its shards among the last in, has the sum's segments waiting and sends
    /// them all at its link's pace, as hop 0 does). Hop 0 itself is not compared (a slow first relay shows in the step's
    /// reduce time, not by name). Null with fewer than two hops after the first (nothing to compare with).
    /// </summary>
    public (int Hop, WorkerId Worker, double Ms, double OthersMedianMs)? Slowest(TimeProvider time, double factor, double minimumMs)
    {
        if (_done.Count < 3 || _done.Exists(d => d == null)) return null;
        double Ms(long from, long to) => time.GetElapsedTime(from, to).TotalMilliseconds;
        double firstHopMs = Ms(_plannedAt[0], _done[0]!.Value);
        var took = new double[_done.Count];
        for (int h = 1; h < _done.Count; h++)
        {
            double afterBefore = Ms(_done[h - 1]!.Value, _done[h]!.Value);
            double afterOwnStart = Ms(_plannedAt[h], _done[h]!.Value) - firstHopMs;
            took[h] = Math.Max(0, Math.Min(afterBefore, afterOwnStart));
        }
        int slowest = 1;
        for (int h = 2; h < took.Length; h++)
            if (took[h] > took[slowest]) slowest = h;
        var others = Enumerable.Range(1, took.Length - 1).Where(h => h != slowest).Select(h => took[h]).Order().ToArray();
        double median = others.Length % 2 == 1 ? others[others.Length / 2] : (others[others.Length / 2 - 1] + others[others.Length / 2]) / 2;
        return took[slowest] > Math.Max(factor * median, minimumMs) ? (slowest, _hops[slowest].Worker, took[slowest], median) : null;
    }
}
