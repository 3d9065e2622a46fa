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
        var results = round.ResultsInShardOrder();
        double lossSum = results[0].LossSum;
        long count = results[0].Count;
        for (int shard = 1; shard < results.Count; shard++)
        {
            lossSum += results[shard].LossSum;
            count += results[shard].Count;
        }
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
        return new StepUpdate(ReportedLoss(lossSum, count), report.GradientNorm, report.LearningRate, count);
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
