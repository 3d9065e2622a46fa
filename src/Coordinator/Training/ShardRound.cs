using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
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
    /// <summary>
    /// Malformed: wrong size, wrong count, unknown shard, negative loss, an impossible compute time, values that would
    /// overflow the round's sum. Dropped and recomputed, by another worker first.
    /// </summary>
    Invalid,
    /// <summary>
    /// An audited shard's first answer (held until a different worker's answer has the same bits), or a non-finite answer
    /// (held until another worker's answer says whether the model diverged or this worker is broken).
    /// </summary>
    Held,
    /// <summary>An audited shard's answers differ: held, and another worker (one that has not answered it) settles it.</summary>
    Disputed,
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
    /// <summary>Who sent each kept result, and whether it stands (see <see cref="IsConfirmed"/>).</summary>
    private readonly WorkerId?[] _keptFrom;
    private readonly bool[] _confirmed;
    private readonly double[] _norms;
    /// <summary>Each valid training result's gradient norm, measured once when it came in (held answers included).</summary>
    private readonly Dictionary<ShardCompleted, double> _scannedNorms = new(ReferenceEqualityComparer.Instance);
    /// <summary>Workers that failed, lost or sent a bad result for a shard: it goes to someone else first.</summary>
    private readonly Dictionary<int, HashSet<WorkerId>> _triedBy = [];
    /// <summary>Audited shards (verified training) and, until settled, every answer each has had.</summary>
    private readonly Dictionary<int, List<(WorkerId Worker, ShardCompleted Result)>> _audits = [];
    /// <summary>Audited because of (seed, step, shard): settled only by identical bits. Others were doubted for a non-finite answer.</summary>
    private readonly HashSet<int> _seeded = [];
    private readonly Dictionary<int, List<WorkerId>> _dissenters = [];
    /// <summary>A training round's kept gradients, summed in shard order as they come in (null for evaluation).</summary>
    private readonly GradientSum? _gradientSum;

    public ShardRound(long version, WorkKind kind, IReadOnlyList<SequenceBatch> shards, IReadOnlyList<long> expectedCounts, int gradientLength)
    {
        Version = version;
        Kind = kind;
        Shards = shards;
        _expectedCounts = expectedCounts.ToArray();
        GradientLength = gradientLength;
        _results = new ShardCompleted?[shards.Count];
        _keptFrom = new WorkerId?[shards.Count];
        _confirmed = new bool[shards.Count];
        _norms = new double[shards.Count];
        for (int i = 0; i < shards.Count; i++) _waiting.Add(i);
        // The step divides by its item count, the sum of the counts every kept result must report: known now, so the
        // pass that completes the sum measures the mean gradient's norm too.
        if (kind == WorkKind.Train && shards.Count > 0) _gradientSum = new GradientSum(shards.Count, gradientLength, _expectedCounts.Sum());
    }

    /// <summary>
    /// The round of <paramref name="batch"/> split into shards of <paramref name="shardSize"/> sequences (the last
    /// may be smaller), each expected to report its own count of loss items.
    /// </summary>
    public static ShardRound Split(long version, WorkKind kind, Batch batch, int shardSize, int gradientLength,
        WirePrecision gradientPrecision = WirePrecision.F32, bool gradientsAtWorkers = false)
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
            GradientPrecision = gradientPrecision,
            GradientsAtWorkers = gradientsAtWorkers,
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
    /// <summary>The precision the run's gradients travel in: a gradient in another one would change the step's bits.</summary>
    public WirePrecision GradientPrecision { get; init; }

    /// <summary>
    /// The chain data plane: training results carry a <see cref="GradientDigest"/>, not the gradient, which stays with
    /// the worker that computed it until the step's running sum passes by (<see cref="Hops"/>).
    /// </summary>
    public bool GradientsAtWorkers { get; init; }
    public int Completed { get; private set; }
    public bool IsComplete => Completed == _results.Length;
    public bool HasWaiting => _waiting.Count > 0;

    /// <summary>The shards out at workers, by shard index (lowest first), with their holders.</summary>
    public IEnumerable<KeyValuePair<int, List<Holder>>> Outstanding => _out;

    /// <summary>The shards that wait for a second opinion (audited, or doubted for a non-finite answer), lowest first.</summary>
    public IEnumerable<int> Audited => _audits.Keys.Order();

    /// <summary>Verified training: <paramref name="shard"/>'s result is kept only once two different workers send the same bits.</summary>
    public void Audit(int shard)
    {
        _audits.TryAdd(shard, []);
        _seeded.Add(shard);
    }

    /// <summary>True for a shard audited by verified training (a dissenter there is excluded); false for a doubted one.</summary>
    public bool IsAudited(int shard) => _seeded.Contains(shard);

    /// <summary>The workers that have answered an audited shard not yet settled (empty otherwise).</summary>
    public IReadOnlyList<WorkerId> AnsweredBy(int shard) =>
        _results[shard] == null && _audits.TryGetValue(shard, out var answers) ? answers.Select(a => a.Worker).ToList() : [];

    /// <summary>The workers whose answer to an audited shard differed from the bits two others agreed on.</summary>
    public IReadOnlyList<WorkerId> DissentersOf(int shard) => _dissenters.TryGetValue(shard, out var list) ? list : [];

    /// <summary>Who sent the kept result of <paramref name="shard"/>; null while it has none.</summary>
    public WorkerId? KeptFrom(int shard) => _keptFrom[shard];

    /// <summary>
    /// True when the kept result stands and is not to be doubted again: two different workers sent its bits, or no other
    /// worker could give a second opinion (<see cref="KeepUnverified"/>).
    /// </summary>
    public bool IsConfirmed(int shard) => _confirmed[shard];

    /// <summary>The lowest-numbered shard that nobody holds, if any.</summary>
    public bool TryTakeWaiting(out int shard)
    {
        shard = -1;
        if (_waiting.Count == 0) return false;
        shard = _waiting.Min;
        _waiting.Remove(shard);
        return true;
    }

    /// <summary>
    /// The lowest-numbered waiting shard that <paramref name="worker"/> may take. An audited shard never goes to a worker
    /// that has answered it already: its answer needs a second opinion. A shard the worker failed, lost or got wrong goes
    /// to another of <paramref name="active"/> first, and back to it only when every one of them has had it too, so a
    /// worker that fails every shard cannot keep one from the others (and a lone worker is not starved).
    /// </summary>
    /// <remarks>
    /// With <paramref name="inBlocks"/> (the chain data plane), worker i of the n <paramref name="active"/> ones takes
    /// the shards of its own block [i k / n, (i + 1) k / n) first, and then the highest waiting ones (the end of someone
    /// else's block), so that each worker's kept shards stay consecutive: each run of them is one hop of the sum.
    /// </remarks>
    public bool TryTakeWaitingFor(WorkerId worker, IReadOnlyList<WorkerId> active, out int shard, bool inBlocks = false)
    {
        IEnumerable<int> order = _waiting;
        int position = inBlocks ? IndexOf(active, worker) : -1;
        if (position >= 0)
        {
            int start = (int)((long)position * _results.Length / active.Count), end = (int)((long)(position + 1) * _results.Length / active.Count);
            order = _waiting.Where(s => s >= start && s < end).Concat(_waiting.Reverse().Where(s => s < start || s >= end));
        }
        foreach (int candidate in order)
        {
            if (!MayTake(worker, candidate, active)) continue;
            shard = candidate;
            _waiting.Remove(candidate);
            return true;
        }
        shard = -1;
        return false;
    }

    private static int IndexOf(IReadOnlyList<WorkerId> list, WorkerId worker)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] == worker) return i;
        return -1;
    }

    /// <summary>Whether <paramref name="worker"/> may be given <paramref name="shard"/> now (see <see cref="TryTakeWaitingFor"/>).</summary>
    public bool MayTake(WorkerId worker, int shard, IReadOnlyCollection<WorkerId> active)
    {
        var answered = AnsweredBy(shard);
        if (answered.Contains(worker)) return false;
        if (!_triedBy.TryGetValue(shard, out var tried) || !tried.Contains(worker)) return true;
        return !active.Any(other => other != worker && !tried.Contains(other) && !answered.Contains(other));
    }

    /// <summary>The waiting shards, lowest first.</summary>
    public IEnumerable<int> Waiting => _waiting;

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
        problem = Validate(result, out bool finite);
        if (problem != null)
        {
            Release(from, result.ShardIndex, avoidNextTime: true);
            return ResultVerdict.Invalid;
        }
        int shard = result.ShardIndex;
        if (_results[shard] != null)
        {
            Release(from, shard);
            return ResultVerdict.Duplicate;
        }
        if (_audits.TryGetValue(shard, out var answers)) return OfferAudited(from, result, answers, finite);
        if (!finite)
        {
            // Divergence, or a broken worker? Another worker's answer tells: see OfferAudited.
            _audits[shard] = answers = [];
            return OfferAudited(from, result, answers, finite);
        }
        Keep(shard, result, from, confirmed: false);
        return ResultVerdict.Accepted;
    }

    /// <summary>
    /// An audited shard's answer: kept once another worker's answer has the same bits (gradient, loss sum, count); the
    /// workers whose answers differ from those are its dissenters. Until then it is held, and the shard waits for a
    /// worker that has not answered it. A doubted shard (its first answer was not finite, and it is not audited) is
    /// settled by the next answer from another worker: a finite one is kept (the non-finite answers are its dissenters);
    /// a second non-finite one is kept too, as the model's (it has diverged: the step or the evaluation then fails the run).
    /// </summary>
    private ResultVerdict OfferAudited(WorkerId from, ShardCompleted result, List<(WorkerId Worker, ShardCompleted Result)> answers, bool finite)
    {
        int shard = result.ShardIndex;
        if (answers.Exists(a => a.Worker == from))
        {
            Release(from, shard);
            return ResultVerdict.Duplicate;
        }
        answers.Add((from, result));
        if (!_seeded.Contains(shard))
        {
            if (finite || answers.Exists(a => a.Worker != from))
            {
                bool twin = answers.Exists(a => a.Worker != from && SameBits(a.Result, result));
                _dissenters[shard] = finite ? answers.Where(a => a.Worker != from && !SameBits(a.Result, result)).Select(a => a.Worker).ToList() : [];
                Keep(shard, result, from, confirmed: twin || !finite);
                return ResultVerdict.Accepted;
            }
        }
        else if (answers.Find(a => a.Worker != from && SameBits(a.Result, result)) is { Result: not null } twin)
        {
            _dissenters[shard] = answers.Where(a => !SameBits(a.Result, result)).Select(a => a.Worker).ToList();
            Keep(shard, twin.Result, twin.Worker, confirmed: true);
            return ResultVerdict.Accepted;
        }
        Release(from, shard);
        if (!_out.ContainsKey(shard)) _waiting.Add(shard);
        return answers.Count == 1 ? ResultVerdict.Held : ResultVerdict.Disputed;
    }

    /// <summary>
    /// Keeps an audited shard's only answer unchecked: no other worker can give a second opinion (the loop decides
    /// when). False when it has no answer to keep.
    /// </summary>
    public bool KeepUnverified(int shard)
    {
        if (_results[shard] != null || !_audits.TryGetValue(shard, out var answers) || answers.Count != 1) return false;
        // Nobody can check it now, so it stands: doubting it again would only hand it back to the same worker.
        Keep(shard, answers[0].Result, answers[0].Worker, confirmed: true);
        return true;
    }

    /// <summary>
    /// Takes back a kept result that the loop finds absurd (its norm against the step's others) and holds it as a
    /// doubted answer: the shard waits for a worker that has not answered it, whose answer is kept; the same bits clear
    /// the first answer, other bits make its sender a dissenter.
    /// </summary>
    public void Doubt(int shard)
    {
        if (_results[shard] is not { } kept || _seeded.Contains(shard)) return;
        var from = _keptFrom[shard]!.Value;
        _results[shard] = null;
        _keptFrom[shard] = null;
        _confirmed[shard] = false;
        _gradientSum?.Remove(shard);
        Completed--;
        if (!_audits.TryGetValue(shard, out var answers)) _audits[shard] = answers = [];
        if (!answers.Exists(a => a.Worker == from)) answers.Add((from, kept));
        _waiting.Add(shard);
    }

    private void Keep(int shard, ShardCompleted result, WorkerId from, bool confirmed)
    {
        _results[shard] = result;
        if (result.Gradient != null) _gradientSum?.Add(shard, result.Gradient);
        _norms[shard] = _scannedNorms.GetValueOrDefault(result);
        _keptFrom[shard] = from;
        _confirmed[shard] = confirmed;
        Completed++;
        _out.Remove(shard);
        _waiting.Remove(shard);
    }

    /// <summary>
    /// Bit for bit: a shard's result is a pure function of (weights, shard), so honest workers agree exactly. Results
    /// whose gradients stay with their workers are compared by their digests (SHA-256 of the gradient's bits).
    /// </summary>
    public static bool SameBits(ShardCompleted a, ShardCompleted b) =>
        a.Count == b.Count
        && BitConverter.DoubleToInt64Bits(a.LossSum) == BitConverter.DoubleToInt64Bits(b.LossSum)
        && (a.Digest != null || b.Digest != null ? a.Digest != null && b.Digest != null && a.Digest.SameBits(b.Digest)
            : a.Gradient == null ? b.Gradient == null
            : b.Gradient != null && System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.Gradient.AsSpan())
                .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Gradient.AsSpan())));

    /// <summary>
    /// A worker gave a shard back (failed, died, or went silent): it waits again unless someone else has it. True when
    /// it went back to the queue.
    /// </summary>
    public bool Release(WorkerId worker, int shard, bool avoidNextTime = false)
    {
        if (shard < 0 || shard >= _results.Length || _results[shard] != null) return false;
        if (avoidNextTime) AvoidNextTime(shard, worker);
        if (!_out.TryGetValue(shard, out var holders) || holders.RemoveAll(h => h.Worker == worker) == 0 || holders.Count > 0)
            return false;
        _out.Remove(shard);
        _waiting.Add(shard);
        return true;
    }

    private void AvoidNextTime(int shard, WorkerId worker)
    {
        if (!_triedBy.TryGetValue(shard, out var tried)) _triedBy[shard] = tried = [];
        tried.Add(worker);
    }

    /// <summary>Every shard the worker holds is released; returns how many went back to the queue (none another worker holds).</summary>
    public int ReleaseAll(WorkerId worker) => ShardsHeldBy(worker).Count(shard => Release(worker, shard));

    /// <summary>The shards <paramref name="worker"/> holds, lowest first.</summary>
    public List<int> ShardsHeldBy(WorkerId worker) =>
        _out.Where(kv => kv.Value.Exists(h => h.Worker == worker)).Select(kv => kv.Key).ToList();

    /// <summary>
    /// The chain data plane: the round's kept results taken back from <paramref name="worker"/>, which holds their
    /// gradients and is gone or stalled before its part of the sum was done. Its shards wait again, for another worker
    /// first; an audited shard's answers from others stand. Returns the shards taken back; none from a round whose
    /// results carry what they need (evaluation, the star), which a lost worker takes nothing of.
    /// </summary>
    public List<int> Unkeep(WorkerId worker)
    {
        var taken = new List<int>();
        if (!GradientsAtWorkers) return taken;
        for (int shard = 0; shard < _results.Length; shard++)
        {
            if (_audits.TryGetValue(shard, out var answers)) answers.RemoveAll(a => a.Worker == worker);
            if (_keptFrom[shard] != worker) continue;
            _results[shard] = null;
            _keptFrom[shard] = null;
            _confirmed[shard] = false;
            Completed--;
            AvoidNextTime(shard, worker);
            _waiting.Add(shard);
            taken.Add(shard);
        }
        return taken;
    }

    /// <summary>
    /// The hops of the chain data plane's running sum, for a complete training round: the workers holding the kept
    /// results, in shard order, each with its run of consecutive shards (a worker holding shards 0, 1 and 4 is two hops).
    /// </summary>
    public List<(WorkerId Worker, int[] Shards)> Hops()
    {
        if (!IsComplete) throw new InvalidOperationException($"round for version {Version} has {Completed} of {_results.Length} results");
        return SettledHops(out _);
    }

    /// <summary>
    /// The hops of the running sum that are settled while results still come in: the runs of consecutive shards kept
    /// from shard 0 on, but the last run of that prefix (its worker may yet be kept the shard after it), whose worker is
    /// <paramref name="next"/>, the one the last settled hop sends to. All hops, and no <paramref name="next"/>, once the
    /// round is complete. A kept result changes only when it is taken back (<see cref="Unkeep"/>, <see cref="Doubt"/>).
    /// </summary>
    public List<(WorkerId Worker, int[] Shards)> SettledHops(out WorkerId? next)
    {
        int prefix = 0;
        while (prefix < _keptFrom.Length && _keptFrom[prefix] != null) prefix++;
        var hops = new List<(WorkerId Worker, int[] Shards)>();
        int start = 0;
        for (int shard = 1; shard <= prefix; shard++)
        {
            if (shard < prefix && _keptFrom[shard] == _keptFrom[start]) continue;
            hops.Add((_keptFrom[start]!.Value, Enumerable.Range(start, shard - start).ToArray()));
            start = shard;
        }
        next = null;
        if (prefix < _keptFrom.Length && hops.Count > 0)
        {
            next = hops[^1].Worker;
            hops.RemoveAt(hops.Count - 1);
        }
        return hops;
    }

    /// <summary>The results in shard order; only once the round is complete.</summary>
    public IReadOnlyList<ShardCompleted> ResultsInShardOrder()
    {
        if (!IsComplete) throw new InvalidOperationException($"round for version {Version} has {Completed} of {_results.Length} results");
        return _results!;
    }

    /// <summary>
    /// The kept gradients summed in shard order, ((g0 + g1) + g2) + ..., built as results came in (shard k is added once
    /// shards 0..k-1 are in), so the bits do not depend on arrival order; only once the training round is complete.
    /// </summary>
    public ReadOnlyMemory<float> SummedGradient()
    {
        if (!IsComplete || _gradientSum == null) throw new InvalidOperationException($"round for version {Version} ({Kind}) has no complete gradient sum ({Completed} of {_results.Length} results)");
        return _gradientSum.Sum;
    }

    /// <summary>The mean gradient's squared norm, measured as the sum was completed (see <see cref="GradientSum.Measured"/>); null when it was not.</summary>
    public MeasuredSquares? MeasuredSquares => IsComplete ? _gradientSum?.Measured : null;

    /// <summary>The step is applied: the gradient sum's buffer goes back to the pool for a later round's sum.</summary>
    public void ReleaseGradientSum() => _gradientSum?.Release();

    /// <summary>
    /// The L2 norm of a kept training shard's gradient (0 for evaluation shards), measured when its result came in, in
    /// the same pass as the checks of <see cref="Validate"/>: a result is read once, not once per rule.
    /// </summary>
    public double NormOf(int shard) => _norms[shard];

    /// <summary>
    /// Checks a result; <paramref name="finite"/> tells whether its loss sum and gradient are finite numbers (not finite
    /// is not malformed: a diverged model's honest answer is not). The gradient is read in one pass, which also
    /// measures its norm for <see cref="NormOf"/>.
    /// </summary>
    private string? Validate(ShardCompleted result, out bool finite)
    {
        finite = double.IsFinite(result.LossSum);
        if (result.ShardIndex < 0 || result.ShardIndex >= _results.Length)
            return $"unknown shard {result.ShardIndex} (this round has {_results.Length})";
        if (result.Count != _expectedCounts[result.ShardIndex])
            return $"shard {result.ShardIndex} reports {result.Count} loss items, expected {_expectedCounts[result.ShardIndex]}";
        // Not finite is not malformed (a diverged model's honest answer is not): Offer asks another worker.
        if (result.LossSum < 0)
            return $"shard {result.ShardIndex} reports loss sum {result.LossSum}";
        // A compute time feeds the step line: it must be a time.
        if (!double.IsFinite(result.ComputeMilliseconds) || result.ComputeMilliseconds < 0)
            return $"shard {result.ShardIndex} reports compute time {result.ComputeMilliseconds} ms";
        // Finite but so large that the round's sum would overflow: no honest shard comes near (float.MaxValue is 3.4e38).
        if (double.IsFinite(result.LossSum) && result.LossSum > double.MaxValue / _results.Length)
            return $"shard {result.ShardIndex} reports loss sum {result.LossSum}, which would overflow the round's sum";
        if (Kind == WorkKind.Train && GradientsAtWorkers)
        {
            if (result.Gradient != null || result.Digest is not { } digest)
                return $"shard {result.ShardIndex} came with {(result.Gradient != null ? "its gradient" : "no digest of its gradient")}: this run's workers keep their gradients and send a digest (--data-plane chain)";
            // No precision to check: a digest's result carries no array (the worker rounds what it keeps as it was told).
            if (double.IsNaN(digest.Norm) || digest.Norm < 0 || float.IsNaN(digest.MaxMagnitude) || digest.MaxMagnitude < 0)
                return $"shard {result.ShardIndex} reports gradient norm {digest.Norm} and largest value {digest.MaxMagnitude}";
            if (digest.MaxMagnitude > float.MaxValue / _results.Length)
                return $"shard {result.ShardIndex} gradient has a value of magnitude {digest.MaxMagnitude}, which would overflow the step's sum";
            finite &= digest.Finite;
            _scannedNorms[result] = digest.Norm;
        }
        else if (Kind == WorkKind.Train)
        {
            if (result.Gradient == null || result.Gradient.Length != GradientLength)
                return $"shard {result.ShardIndex} gradient has {result.Gradient?.Length ?? 0} values, expected {GradientLength}";
            if (result.GradientPrecision != GradientPrecision)
                return $"shard {result.ShardIndex} gradient came in {result.GradientPrecision.Name()}, this run's is {GradientPrecision.Name()}";
            var (allFinite, huge, norm) = Scan(result.Gradient, float.MaxValue / _results.Length);
            if (huge >= 0) return $"shard {result.ShardIndex} gradient value {huge} is {result.Gradient[huge]}, which would overflow the step's sum";
            finite &= allFinite;
            _scannedNorms[result] = norm;
        }
        return null;
    }

    /// <summary>
    /// One pass over a gradient: whether every value is finite, the first finite value beyond <paramref name="limit"/>
    /// (or -1), and the L2 norm of the finite values. The pass is vectorized and spread over the cores (the last result of
    /// a step is scanned on the step's critical path); only a gradient with a value that is not finite or is huge, which an
    /// honest worker does not send, is looked at again value by value to say which.
    /// </summary>
    private static (bool Finite, int FirstHuge, double Norm) Scan(float[] gradient, float limit)
    {
        double fastSumOfSquares = SumOfSquares.Of(gradient, limit, out bool allWithin);
        if (allWithin) return (true, -1, Math.Sqrt(fastSumOfSquares));
        bool finite = true;
        int firstHuge = -1;
        double sumOfSquares = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            float v = gradient[i];
            if (!float.IsFinite(v))
            {
                finite = false;
                continue;
            }
            if (firstHuge < 0 && Math.Abs(v) > limit) firstHuge = i;
            sumOfSquares += (double)v * v;
        }
        return (finite, firstHuge, Math.Sqrt(sumOfSquares));
    }
}
