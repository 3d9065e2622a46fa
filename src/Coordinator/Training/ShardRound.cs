using Akka.Actor;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>What became of a result offered to a <see cref="ShardRound"/>.</summary>
public enum ResultVerdict
{
    /// <summary>The first valid result for its shard: kept.</summary>
    Accepted,
    /// <summary>The shard already has a result (a straggler's twin or a duplicate message): dropped.</summary>
    Duplicate,
    /// <summary>For another round (older weights, or the other kind of work): dropped.</summary>
    OtherRound,
    /// <summary>Malformed: wrong size, non-finite, wrong count, unknown shard. Dropped and recomputed elsewhere.</summary>
    Invalid,
}

/// <summary>
/// One round of work against one version of the weights: the training step's micro-shards, or the held-out
/// set's evaluation shards. Tracks which shards wait, which are out (with whom, since when), and the first
/// valid result of each. Results are kept by shard index, so the sum does not depend on arrival order.
/// Pure bookkeeping: no actors are messaged from here.
/// </summary>
public sealed class ShardRound
{
    private readonly SortedSet<int> _waiting = [];
    private readonly Dictionary<int, List<Holder>> _out = [];
    private readonly ShardCompleted?[] _results;
    private readonly long[] _expectedCounts;

    public ShardRound(long version, WorkKind kind, IReadOnlyList<SequenceBatch> shards, IReadOnlyList<long> expectedCounts, int gradientLength)
    {
        Version = version;
        Kind = kind;
        Shards = shards;
        _expectedCounts = expectedCounts.ToArray();
        GradientLength = gradientLength;
        _results = new ShardCompleted?[shards.Count];
        for (int i = 0; i < shards.Count; i++) _waiting.Add(i);
    }

    /// <summary>One assignment of a shard to a worker.</summary>
    public sealed record Holder(IActorRef Worker, DateTime Since, bool IsBackup);

    public long Version { get; }
    public WorkKind Kind { get; }
    public IReadOnlyList<SequenceBatch> Shards { get; }
    public int GradientLength { get; }
    public int Completed { get; private set; }
    public bool IsComplete => Completed == _results.Length;
    public bool HasWaiting => _waiting.Count > 0;
    public IEnumerable<KeyValuePair<int, List<Holder>>> Outstanding => _out;

    /// <summary>The lowest-numbered shard that nobody holds, if any.</summary>
    public bool TryTakeWaiting(out int shard)
    {
        shard = -1;
        if (_waiting.Count == 0) return false;
        shard = _waiting.Min;
        _waiting.Remove(shard);
        return true;
    }

    public void MarkSent(int shard, IActorRef worker, DateTime now, bool isBackup = false)
    {
        if (!_out.TryGetValue(shard, out var holders)) _out[shard] = holders = [];
        holders.Add(new Holder(worker, now, isBackup));
    }

    /// <summary>
    /// Starts every holder's clock again: a shard handed out ahead, while the previous step finished, could not
    /// start before now, so its time out counts from here (shard timeout, straggler backup, shard timings).
    /// </summary>
    public void RestartClocks(DateTime now)
    {
        foreach (var holders in _out.Values)
        {
            for (int i = 0; i < holders.Count; i++) holders[i] = holders[i] with { Since = now };
        }
    }

    /// <summary>Checks a result and keeps it if it is the first valid one for its shard.</summary>
    public ResultVerdict Offer(IActorRef from, ShardCompleted result, out string? problem)
    {
        problem = null;
        if (result.Version != Version || result.Kind != Kind) return ResultVerdict.OtherRound;
        problem = Validate(result);
        if (problem != null)
        {
            Release(from, result.ShardIndex);
            return ResultVerdict.Invalid;
        }
        if (_results[result.ShardIndex] != null)
        {
            Release(from, result.ShardIndex);
            return ResultVerdict.Duplicate;
        }
        _results[result.ShardIndex] = result;
        Completed++;
        _out.Remove(result.ShardIndex);
        _waiting.Remove(result.ShardIndex);
        return ResultVerdict.Accepted;
    }

    /// <summary>A worker gave a shard back (failed, died, or timed out): it waits again unless someone else has it.</summary>
    public void Release(IActorRef worker, int shard)
    {
        if (shard < 0 || shard >= _results.Length || _results[shard] != null) return;
        if (_out.TryGetValue(shard, out var holders))
        {
            holders.RemoveAll(h => h.Worker.Equals(worker));
            if (holders.Count > 0) return;
            _out.Remove(shard);
        }
        _waiting.Add(shard);
    }

    /// <summary>Every shard a worker holds goes back to the queue (unless another worker holds it too). Returns how many.</summary>
    public int ReleaseAll(IActorRef worker)
    {
        var held = _out.Where(kv => kv.Value.Any(h => h.Worker.Equals(worker))).Select(kv => kv.Key).ToList();
        foreach (int shard in held) Release(worker, shard);
        return held.Count;
    }

    /// <summary>The results in shard order; only once the round is complete.</summary>
    public IReadOnlyList<ShardCompleted> ResultsInShardOrder()
    {
        if (!IsComplete) throw new InvalidOperationException($"round for version {Version} has {Completed} of {_results.Length} results");
        return _results!;
    }

    private string? Validate(ShardCompleted result)
    {
        if (result.ShardIndex < 0 || result.ShardIndex >= _results.Length)
            return $"unknown shard {result.ShardIndex} (this round has {_results.Length})";
        if (result.Count != _expectedCounts[result.ShardIndex])
            return $"shard {result.ShardIndex} reports {result.Count} loss items, expected {_expectedCounts[result.ShardIndex]}";
        if (!double.IsFinite(result.LossSum) || result.LossSum < 0)
            return $"shard {result.ShardIndex} reports loss sum {result.LossSum}";
        if (Kind == WorkKind.Train)
        {
            if (result.Gradient == null || result.Gradient.Length != GradientLength)
                return $"shard {result.ShardIndex} gradient has {result.Gradient?.Length ?? 0} values, expected {GradientLength}";
            int bad = Array.FindIndex(result.Gradient, v => !float.IsFinite(v));
            if (bad >= 0) return $"shard {result.ShardIndex} gradient value {bad} is {result.Gradient[bad]}";
        }
        return null;
    }
}
