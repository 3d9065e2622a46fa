using System.Numerics;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// An <see cref="IGradientEngine"/> in plain C# with SIMD loops and a hand-written backward pass through time:
/// the same function and gradient as <see cref="AutogradEngine"/> (the reference, which tests check it
/// against), several times faster because a step of this small recurrence is a few thousand multiply-adds and
/// a framework spends more than that on dispatching each operation. Sequences are independent, so each one
/// goes forward and back on its own in buffers that stay in cache; the weight gradients are summed over
/// sequences in batch order and over steps in time order, so a result depends only on (weights, shard) and
/// the machine's vector width. <typeparamref name="T"/> is float to train, double for finite differences.
/// One thread; not thread-safe.
/// </summary>
public sealed class FastEngine<T> : IGradientEngine where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PaddedSizes _sizes;
    private readonly FastWeights<T> _weights;
    private readonly FastParameters<T> _gradients;
    private SequencePass<T>? _pass;

    public FastEngine(ModelConfig config)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"the fast engine computes in float or double, not {typeof(T).Name}");
        config.Validate();
        Config = config;
        Layout = ParameterLayout.For(config);
        _sizes = PaddedSizes.For<T>(config);
        _weights = new FastWeights<T>(config, _sizes);
        _gradients = new FastParameters<T>(config, _sizes);
    }

    public ModelConfig Config { get; }
    public ParameterLayout Layout { get; }

    public void SetWeights(ReadOnlySpan<float> flat)
    {
        CheckWeightCount(flat.Length);
        _weights.Load(flat);
    }

    /// <summary>Replaces every weight without rounding to float32 first (for finite differences in double).</summary>
    public void SetWeights(ReadOnlySpan<double> flat)
    {
        CheckWeightCount(flat.Length);
        _weights.Load(flat);
    }

    public ShardResult ComputeGradient(Batch shard)
    {
        var pass = Prepare(shard);
        _gradients.Clear();
        double lossSum = 0;
        for (int b = 0; b < shard.Count; b++)
        {
            int steps = shard.Lengths[b], firstLoss = FirstLossStep(steps);
            pass.Load(_weights, shard, b, steps);
            pass.Forward(_weights, steps);
            pass.Outputs(_weights, firstLoss, steps);
            for (int t = firstLoss; t < steps; t++)
                lossSum += OutputLoss<T>.Of(Config, pass.Output(t), shard, b, t, pass.OutputGradient(t));
            pass.Backward(_weights, steps, firstLoss, _gradients);
        }
        var gradient = new float[Layout.TotalSize];
        _gradients.Pack(gradient);
        return new ShardResult(gradient, lossSum, shard.LossItems);
    }

    public (double LossSum, long Count) Evaluate(Batch shard)
    {
        var pass = Prepare(shard);
        double lossSum = 0;
        for (int b = 0; b < shard.Count; b++)
        {
            int steps = shard.Lengths[b], firstLoss = FirstLossStep(steps);
            pass.Load(_weights, shard, b, steps);
            pass.Forward(_weights, steps);
            pass.Outputs(_weights, firstLoss, steps);
            for (int t = firstLoss; t < steps; t++)
                lossSum += OutputLoss<T>.Of(Config, pass.Output(t), shard, b, t, Span<T>.Empty);
        }
        return (lossSum, shard.LossItems);
    }

    /// <summary>y_t for every step, [B*T*O] row-major (padded steps included, computed from zero inputs; their values mean nothing).</summary>
    public float[] Forward(Batch batch)
    {
        var pass = Prepare(batch);
        int o = Config.OutputWidth, steps = batch.Steps;
        var outputs = new float[batch.Count * steps * o];
        for (int b = 0; b < batch.Count; b++)
        {
            pass.Load(_weights, batch, b, steps);
            pass.Forward(_weights, steps);
            pass.Outputs(_weights, 0, steps);
            for (int t = 0; t < steps; t++)
            {
                var y = pass.Output(t);
                for (int k = 0; k < o; k++) outputs[(b * steps + t) * o + k] = float.CreateTruncating(y[k]);
            }
        }
        return outputs;
    }

    public void Dispose()
    {
    }

    /// <summary>The first step whose output enters the loss: the last real one, or every one for next-token targets.</summary>
    private int FirstLossStep(int steps) => Config.Target == TargetKind.NextToken ? 0 : steps - 1;

    private SequencePass<T> Prepare(Batch batch)
    {
        if (!_weights.Loaded) throw new InvalidOperationException("the engine has no weights yet: call SetWeights first");
        BatchChecks.Validate(batch, Config);
        if (_pass is null || _pass.Capacity < batch.Steps) _pass = new SequencePass<T>(Config, _sizes, batch.Steps);
        return _pass;
    }

    private void CheckWeightCount(int length)
    {
        if (length != Layout.TotalSize)
            throw new ArgumentException($"weights: expected {Layout.TotalSize} values for this model, got {length}");
    }
}
