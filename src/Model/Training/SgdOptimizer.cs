namespace AttnRnnCluster.Model.Training;

/// <summary>
/// SGD with momentum as PyTorch's <c>torch.optim.SGD</c> computes it (no dampening, no Nesterov, no weight
/// decay): the buffer starts as the first gradient, then b = momentum * b + g, and w -= lr * b.
/// </summary>
public sealed class SgdOptimizer : IOptimizer
{
    private float[] _buffer;
    private readonly double _momentum;
    /// <summary>The momentum buffer of a draft (<see cref="BeginDraft"/>) and its step's rate and divisor; swapped in when taken.</summary>
    private float[]? _draftBuffer;
    private (double Rate, float Divisor)? _draft;

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
        _draft = null;
        Update(w, g, _buffer, w, _buffer, learningRate, gradientDivisor, gradientScale, first);
        if (!copyTo.IsEmpty) w.CopyTo(copyTo.Span);
    }

    public void BeginDraft(double learningRate, float gradientDivisor)
    {
        _draftBuffer ??= new float[_buffer.Length];
        _draft = (learningRate, gradientDivisor);
    }

    public void Draft(int start, ReadOnlySpan<float> weights, ReadOnlySpan<float> gradient, Span<float> newWeights)
    {
        var (rate, divisor) = _draft ?? throw new InvalidOperationException("no draft begun");
        OptimizerChecks.Range(_buffer.Length, start, weights.Length, gradient.Length, newWeights.Length);
        Update(weights, gradient, _buffer.AsSpan(start, weights.Length), newWeights, _draftBuffer.AsSpan(start, weights.Length), rate, divisor, 1, StepCount == 0);
    }

    public void TakeDraft()
    {
        if (_draft == null) throw new InvalidOperationException("no draft begun");
        (_buffer, _draftBuffer) = (_draftBuffer!, _buffer);
        _draft = null;
        StepCount++;
    }

    /// <summary>Reads each weight and momentum value before writing its new one (the same spans for a step in place).</summary>
    private void Update(ReadOnlySpan<float> w, ReadOnlySpan<float> g, ReadOnlySpan<float> buffer, Span<float> newWeights, Span<float> newBuffer,
        double learningRate, float gradientDivisor, double gradientScale, bool first)
    {
        for (int i = 0; i < w.Length; i++)
        {
            float gi = g[i] / gradientDivisor;
            if (gradientScale != 1) gi = (float)(gi * gradientScale);
            double b = newBuffer[i] = first ? gi : (float)(_momentum * buffer[i] + gi);
            newWeights[i] = (float)(w[i] - learningRate * b);
        }
    }

    public OptimizerState Export() =>
        new(OptimizerKind.Sgd, StepCount, new Dictionary<string, float[]> { ["momentum"] = _buffer.ToArray() });

    public void Import(OptimizerState state)
    {
        state.Check(OptimizerKind.Sgd, _buffer.Length);
        _draft = null;
        state.Buffers["momentum"].CopyTo(_buffer, 0);
        StepCount = state.Step;
    }
}
