using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>The outcome of one optimizer step, as the coordinator reports it.</summary>
public sealed record StepUpdate(double Loss, double GradientNorm, double LearningRate, long Items);

/// <summary>
/// The coordinator's master copy of the weights and the optimizer. It turns a complete round of shard
/// results into one step with the same <see cref="UpdateRule"/> the plain single-process loop uses: sum in
/// shard order, divide by the item count, clip, schedule, step.
/// </summary>
public sealed class MasterState(ModelConfig config, float[] weights, long version, IOptimizer optimizer, UpdateRule rule)
{
    public ModelConfig Config { get; } = config;
    public ParameterLayout Layout { get; } = ParameterLayout.For(config);
    /// <summary>The master weights. Read-only outside this class; every broadcast sends a copy.</summary>
    public float[] Weights { get; } = weights;
    public IOptimizer Optimizer { get; } = optimizer;
    private readonly BroadcastBuffers _broadcastBuffers = new(weights.Length);
    /// <summary>The weights of <c>Version</c>, written into a broadcast buffer by the last <see cref="Apply"/>, until a broadcast takes them.</summary>
    private (long Version, float[] Values, BufferLoan Loan)? _unsentBroadcast;
    /// <summary>Optimizer steps applied so far: the version stamped on broadcasts, and the 0-based index of the next step.</summary>
    public long Version { get; private set; } = version;

    /// <summary>
    /// Applies step number <see cref="Version"/> (0-based) from a complete training round: its gradient sum (built in
    /// shard order as the results came), and its loss sums and counts added in shard order.
    /// </summary>
    /// <param name="relayedSum">
    /// The chain data plane's sum, as the last relay handed it over: the same bits as the round's own sum in shard order,
    /// which the round does not have (its results carry digests); null: the round's own.
    /// </param>
    public StepUpdate Apply(ShardRound round, float[]? relayedSum = null)
    {
        _provisional = null;
        var (lossSum, count) = LossOf(round);
        // The broadcast's buffer is filled by the optimizer as it goes (no copy pass of its own); the message takes it.
        ReleaseUnsentBroadcast();
        var (buffer, loan) = _broadcastBuffers.Lend();
        StepReport report;
        try
        {
            report = relayedSum != null
                ? rule.Apply(Version, Weights, relayedSum, lossSum, count, Optimizer, buffer)
                : rule.Apply(Version, Weights, round.SummedGradient(), lossSum, count, Optimizer, buffer, round.MeasuredSquares);
        }
        catch
        {
            loan.Release();
            throw;
        }
        Version++;
        _unsentBroadcast = (Version, buffer, loan);
        _lastClipped = GradientClipping.ScaleFor(report.GradientNorm, rule.ClipNorm) != 1;
        return new StepUpdate(ReportedLoss(lossSum, count), report.GradientNorm, report.LearningRate, count);
    }

    /// <summary>The step being drafted ahead (<see cref="BeginProvisional"/>): its round and attempt, how many values are drafted.</summary>
    private (ShardRound Round, int Attempt, long Drafted)? _provisional;
    /// <summary>The drafted new weights (float32, as the master's would be); reused from step to step.</summary>
    private float[]? _provisionalWeights;
    /// <summary>Whether the last step applied was clipped: then the next one likely is too, and is not drafted ahead.</summary>
    private bool _lastClipped;

    /// <summary>
    /// The chain data plane: starts drafting the step of a complete round ahead, unclipped, so that the new weights can
    /// go down the chain segment by segment while the sum still comes in (<see cref="DraftProvisional"/>); whether the
    /// draft stands is known once the sum is whole (<see cref="TryTakeProvisional"/>). False, and nothing drafted, when
    /// the last step was clipped (this one likely is too, and its draft would be thrown away), or when the round's loss
    /// is not finite or it has no items (the step fails as it would have).
    /// </summary>
    public bool BeginProvisional(ShardRound round, int attempt)
    {
        _provisional = null;
        var (lossSum, count) = LossOf(round);
        if (_lastClipped || count < 1 || !double.IsFinite(lossSum)) return false;
        _provisionalWeights ??= new float[Weights.Length];
        Optimizer.BeginDraft(rule.Schedule.At(Version), count);
        _provisional = (round, attempt, 0);
        return true;
    }

    /// <summary>
    /// Drafts values [<paramref name="offset"/>, + <paramref name="length"/>) of the provisional step from that range of the
    /// relayed sum (each range once); returns the drafted weights there (valid until the next step is drafted).
    /// </summary>
    public ReadOnlyMemory<float> DraftProvisional(ShardRound round, int attempt, float[] sum, int offset, int length)
    {
        if (_provisional is not { } draft || draft.Round != round || draft.Attempt != attempt)
            throw new InvalidOperationException($"no provisional step of attempt {attempt} of step {round.Version + 1} was begun");
        Optimizer.Draft(offset, Weights.AsSpan(offset, length), sum.AsSpan(offset, length), _provisionalWeights.AsSpan(offset, length));
        _provisional = draft with { Drafted = draft.Drafted + length };
        return _provisionalWeights.AsMemory(offset, length);
    }

    /// <summary>
    /// With the sum whole: takes the provisional step when it was drafted from this round's attempt, whole, and the step's
    /// checks find it finite and not clipped (the same bits as <see cref="Apply"/>); else null, and <see cref="Apply"/>
    /// takes the step instead (which also fails on what is not finite, as before).
    /// </summary>
    public StepUpdate? TryTakeProvisional(ShardRound round, int attempt, float[] relayedSum)
    {
        var draft = _provisional;
        _provisional = null;
        if (draft is not { } d || d.Round != round || d.Attempt != attempt || d.Drafted != Weights.Length) return null;
        var (lossSum, count) = LossOf(round);
        double norm, scale, rate;
        try
        {
            (norm, scale, rate) = rule.Measure(Version, relayedSum, lossSum, count);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        if (scale != 1) return null;
        Optimizer.TakeDraft();
        _provisionalWeights.AsSpan().CopyTo(Weights);
        ReleaseUnsentBroadcast();
        Version++;
        _lastClipped = false;
        return new StepUpdate(ReportedLoss(lossSum, count), norm, rate, count);
    }

    /// <summary>The round's loss sum and item count, added in shard order.</summary>
    private static (double LossSum, long Count) LossOf(ShardRound round)
    {
        var results = round.ResultsInShardOrder();
        double lossSum = results[0].LossSum;
        long count = results[0].Count;
        for (int shard = 1; shard < results.Count; shard++)
        {
            lossSum += results[shard].LossSum;
            count += results[shard].Count;
        }
        return (lossSum, count);
    }

    /// <summary>The loss users see: the mean per item (per item and output for regression).</summary>
    public double ReportedLoss(double lossSum, long items) => Losses.ReportedMean(lossSum, items, Config);

    /// <summary>
    /// A broadcast of the current weights in <paramref name="precision"/> (a copy: the message may be read while the next
    /// step updates). With bf16 the copy is rounded here, once, so that every worker, in this process or not, computes
    /// on the same values; the master weights stay float32.
    /// </summary>
    public WeightsUpdate WeightsMessage(WirePrecision precision = WirePrecision.F32)
    {
        var values = (float[])Weights.Clone();
        if (precision == WirePrecision.Bf16) BFloat16.Round(values);
        return new WeightsUpdate(Version, new ParameterBuffer(Layout.ToSlots(), values), precision);
    }

    /// <summary>
    /// The step's broadcast of the current weights: as <see cref="WeightsMessage"/>, but in a recycled buffer on loan
    /// (<see cref="WeightsUpdate.Loan"/>). The caller holds the first reader: it adds one for each recipient that reads the
    /// message later (<c>PayloadTransport.Tell</c> does) and releases its own once sent; until the last reader is done
    /// the buffer is not reused.
    /// </summary>
    public WeightsUpdate LoanedWeightsMessage(WirePrecision precision = WirePrecision.F32)
    {
        float[] values;
        BufferLoan loan;
        if (_unsentBroadcast is { } filled && filled.Version == Version)
        {
            (_, values, loan) = filled;
            _unsentBroadcast = null;
        }
        else
        {
            ReleaseUnsentBroadcast();
            (values, loan) = _broadcastBuffers.Lend();
            Weights.AsSpan().CopyTo(values);
        }
        if (precision == WirePrecision.Bf16) BFloat16.Round(values);
        return new WeightsUpdate(Version, new ParameterBuffer(Layout.ToSlots(), values), precision) { Loan = loan };
    }

    /// <summary>A buffer <see cref="Apply"/> filled that no broadcast took (its weights are no longer current, or never were sent) goes back.</summary>
    private void ReleaseUnsentBroadcast()
    {
        _unsentBroadcast?.Loan.Release();
        _unsentBroadcast = null;
    }

    /// <summary>Writes the weights and the optimizer state (atomically) as a resumable checkpoint.</summary>
    public void Save(string path, ulong seed, IReadOnlyList<string>? vocabulary) =>
        CheckpointFiles.Save(path, new Checkpoint(Config, (float[])Weights.Clone(), Version, seed, vocabulary), Optimizer.Export());
}
