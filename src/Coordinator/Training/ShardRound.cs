using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Worker.Training;

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
/// Pure bookkeeping: the <see cref="TrainingLoop"/> decides what happens.
/// </summary>
public sealed class ShardRound
{
    private readonly SortedSet<int> _waiting = [];
    private readonly SortedDictionary<int, List<Holder>> _out = [];
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

    /// <summary>
    /// The round of <paramref name="batch"/> split into shards of <paramref name="shardSize"/> sequences (the last
    /// may be smaller), each expected to report its own count of loss items.
    /// </summary>
    public static ShardRound Split(long version, WorkKind kind, Batch batch, int shardSize, int gradientLength)
    {
        var shards = new List<SequenceBatch>();
        var counts = new List<long>();
        for (int start = 0; start < batch.Count; start += shardSize)
        {
            var shard = batch.Slice(start, Math.Min(shardSize, batch.Count - start));
            shards.Add(shard.ToWire());
            counts.Add(shard.LossItems);
        }
        return new ShardRound(version, kind, shards, counts, gradientLength)
        {
            Examples = batch.Count,
            Tokens = batch.Tokens != null ? batch.LossItems : null,
        };
    }

    /// <summary>One assignment of a shard to a worker, and when it was made.</summary>
    public sealed record Holder(WorkerId Worker, long Since);

    public long Version { get; }
    public WorkKind Kind { get; }
    public IReadOnlyList<SequenceBatch> Shards { get; }
    public int GradientLength { get; }
    /// <summary>Sequences in the round, and the tokens they predict (text), for the step line's rates.</summary>
    public long Examples { get; init; }
    public long? Tokens { get; init; }
    public int Completed { get; private set; }
    public bool IsComplete => Completed == _results.Length;
    public bool HasWaiting => _waiting.Count > 0;

    /// <summary>The shards out at workers, by shard index (lowest first), with their holders.</summary>
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

    /// <summary>Records that <paramref name="worker"/> was given <paramref name="shard"/> at <paramref name="now"/> (a timestamp).</summary>
    public void MarkSent(int shard, WorkerId worker, long now)
    {
        if (!_out.TryGetValue(shard, out var holders)) _out[shard] = holders = [];
        holders.Add(new Holder(worker, now));
    }

    /// <summary>When <paramref name="worker"/> was given <paramref name="shard"/>; null when it does not hold it.</summary>
    public long? HeldSince(int shard, WorkerId worker) =>
        _out.TryGetValue(shard, out var holders) ? holders.Find(h => h.Worker == worker)?.Since : null;

    /// <summary>
    /// Starts every holder's clock again: a shard handed out ahead, while the previous step finished, could not
    /// start before now, so its time out counts from here (shard timeout, straggler backup, shard timings).
    /// </summary>
    public void RestartClocks(long now)
    {
        foreach (var holders in _out.Values)
        {
            for (int i = 0; i < holders.Count; i++) holders[i] = holders[i] with { Since = now };
        }
    }

    /// <summary>Checks a result and keeps it if it is the first valid one for its shard.</summary>
    public ResultVerdict Offer(WorkerId from, ShardCompleted result, out string? problem)
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

    /// <summary>
    /// A worker gave a shard back (failed, died, or went silent): it waits again unless someone else has it. True when
    /// it went back to the queue.
    /// </summary>
    public bool Release(WorkerId worker, int shard)
    {
        if (shard < 0 || shard >= _results.Length || _results[shard] != null) return false;
        if (!_out.TryGetValue(shard, out var holders) || holders.RemoveAll(h => h.Worker == worker) == 0 || holders.Count > 0)
            return false;
        _out.Remove(shard);
        _waiting.Add(shard);
        return true;
    }

    /// <summary>Every shard the worker holds is released; returns how many went back to the queue (none another worker holds).</summary>
    public int ReleaseAll(WorkerId worker) => ShardsHeldBy(worker).Count(shard => Release(worker, shard));

    /// <summary>The shards <paramref name="worker"/> holds, lowest first.</summary>
    public List<int> ShardsHeldBy(WorkerId worker) =>
        _out.Where(kv => kv.Value.Exists(h => h.Worker == worker)).Select(kv => kv.Key).ToList();

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
