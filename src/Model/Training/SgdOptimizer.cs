namespace AttnRnnCluster.Model.Training;

/// <summary>
/// SGD with momentum as PyTorch's <c>torch.optim.SGD</c> computes it (no dampening, no Nesterov, no weight
/// decay): the buffer starts as the first gradient, then b = momentum * b + g, and w -= lr * b.
/// </summary>
public sealed class SgdOptimizer : IOptimizer
{
    private readonly float[] _buffer;
    private readonly double _momentum;

    public SgdOptimizer(int size, double momentum = 0.9)
    {
        if (momentum is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), $"SGD momentum must be in [0, 1) (got {momentum})");
        _buffer = new float[size];
        _momentum = momentum;
    }

    public long StepCount { get; private set; }

    public void Step(Memory<float> weights, ReadOnlyMemory<float> gradient, double learningRate, float gradientDivisor = 1, double gradientScale = 1,
        Memory<float> copyTo = default)
    {
        OptimizerChecks.Sizes(_buffer.Length, weights.Length, gradient.Length);
        OptimizerChecks.CopyTarget(weights.Length, copyTo.Length);
        var w = weights.Span;
        var g = gradient.Span;
        bool first = StepCount == 0;
        StepCount++;
        for (int i = 0; i < w.Length; i++)
        {
            float gi = g[i] / gradientDivisor;
            if (gradientScale != 1) gi = (float)(gi * gradientScale);
            double b = _buffer[i] = first ? gi : (float)(_momentum * _buffer[i] + gi);
            w[i] = (float)(w[i] - learningRate * b);
        }
        if (!copyTo.IsEmpty) w.CopyTo(copyTo.Span);
    }

    public OptimizerState Export() =>
        new(OptimizerKind.Sgd, StepCount, new Dictionary<string, float[]> { ["momentum"] = _buffer.ToArray() });

    public void Import(OptimizerState state)
    {
        state.Check(OptimizerKind.Sgd, _buffer.Length);
        state.Buffers["momentum"].CopyTo(_buffer, 0);
        StepCount = state.Step;
    }
}
