namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Adam as PyTorch's <c>torch.optim.Adam</c> computes it (no weight decay, no amsgrad): m and v are
/// exponential averages of g and g^2, bias-corrected by 1 - beta^step, and
/// w -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps).
/// Each element is updated in double and stored as float32, so results are deterministic.
/// </summary>
public sealed class AdamOptimizer : IOptimizer
{
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly double _beta1, _beta2, _epsilon;

    public AdamOptimizer(int size, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam beta1 must be in [0, 1) (got {beta1})");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), $"Adam beta2 must be in [0, 1) (got {beta2})");
        if (epsilon <= 0) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Adam epsilon must be positive (got {epsilon})");
        _m = new float[size];
        _v = new float[size];
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
    }

    public long StepCount { get; private set; }

    public void Step(Span<float> weights, ReadOnlySpan<float> gradient, double learningRate)
    {
        OptimizerChecks.Sizes(_m.Length, weights.Length, gradient.Length);
        StepCount++;
        double stepSize = learningRate / (1 - Math.Pow(_beta1, StepCount));
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(_beta2, StepCount));
        for (int i = 0; i < weights.Length; i++)
        {
            double g = gradient[i];
            double m = _m[i] = (float)(_beta1 * _m[i] + (1 - _beta1) * g);
            double v = _v[i] = (float)(_beta2 * _v[i] + (1 - _beta2) * g * g);
            weights[i] = (float)(weights[i] - stepSize * m / (Math.Sqrt(v) / correction2Sqrt + _epsilon));
        }
    }

    public OptimizerState Export() =>
        new(OptimizerKind.Adam, StepCount, new Dictionary<string, float[]> { ["m"] = _m.ToArray(), ["v"] = _v.ToArray() });

    public void Import(OptimizerState state)
    {
        state.Check(OptimizerKind.Adam, _m.Length);
        state.Buffers["m"].CopyTo(_m, 0);
        state.Buffers["v"].CopyTo(_v, 0);
        StepCount = state.Step;
    }
}
