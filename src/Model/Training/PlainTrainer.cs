using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Training in one process, the reference the distributed orchestrator must reproduce: for step s, the
/// batch for s, its summed-loss gradient from the engine, then <see cref="UpdateRule.Apply(long, Memory{float}, ShardResult, IOptimizer)"/>.
/// </summary>
public sealed class PlainTrainer
{
    private readonly IGradientEngine _engine;
    private readonly UpdateRule _rule;
    private readonly float[] _weights;

    /// <param name="weights">Initial weights (copied); <paramref name="firstStep"/> is the step to take next (non-zero on resume).</param>
    public PlainTrainer(IGradientEngine engine, IOptimizer optimizer, UpdateRule rule, ReadOnlySpan<float> weights, long firstStep = 0)
    {
        if (weights.Length != engine.Layout.TotalSize)
            throw new ArgumentException($"weights: expected {engine.Layout.TotalSize} values for this model, got {weights.Length}");
        _engine = engine;
        Optimizer = optimizer;
        _rule = rule;
        _weights = weights.ToArray();
        NextStep = firstStep;
    }

    public IOptimizer Optimizer { get; }
    public long NextStep { get; private set; }
    public ReadOnlySpan<float> Weights => _weights;

    public StepReport Step(Batch batch)
    {
        _engine.SetWeights(_weights);
        var report = _rule.Apply(NextStep, _weights, _engine.ComputeGradient(batch), Optimizer);
        NextStep++;
        return report;
    }

    /// <summary>Steps until <see cref="NextStep"/> reaches <paramref name="endStep"/>, taking batch s from <paramref name="trainBatch"/>.</summary>
    public void Run(Func<long, Batch> trainBatch, long endStep, Action<StepReport>? afterStep = null)
    {
        while (NextStep < endStep)
        {
            var report = Step(trainBatch(NextStep));
            afterStep?.Invoke(report);
        }
    }

    /// <summary>The summed loss and item count of <paramref name="batch"/> at the current weights.</summary>
    public (double LossSum, long Count) Evaluate(Batch batch)
    {
        _engine.SetWeights(_weights);
        return _engine.Evaluate(batch);
    }
}
