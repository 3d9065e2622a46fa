using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Adam as PyTorch's <c>torch.optim.Adam</c> computes it (no amsgrad): m and v are exponential averages of g and
/// g^2, bias-corrected by 1 - beta^step, and w -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps).
/// With a weight decay wd it is <c>torch.optim.AdamW</c>: every weight first shrinks by the factor 1 - lr * wd
/// (decoupled from the gradient's moments), then takes the Adam step; wd = 0 leaves the arithmetic exactly Adam's.
/// Each element is updated in double and stored as float32, so results are deterministic. The update runs eight
/// doubles to a vector instruction and in <see cref="FixedBlocks"/> side by side: each element's arithmetic is the
/// scalar code's, operation for operation (IEEE add, multiply, divide and square root round the same in a vector
/// lane; no fused multiply-add), so the bits do not depend on the vector width or the number of threads.
/// </summary>
public sealed class AdamOptimizer : IOptimizer
{
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly double _beta1, _beta2, _epsilon, _weightDecay;

    public AdamOptimizer(int size, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        if (weightDecay is < 0 or > 1 || double.IsNaN(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Adam weight decay must be in 0..1 (got {weightDecay})");
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam beta1 must be in [0, 1) (got {beta1})");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), $"Adam beta2 must be in [0, 1) (got {beta2})");
        if (epsilon <= 0) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Adam epsilon must be positive (got {epsilon})");
        _m = new float[size];
        _v = new float[size];
        (_beta1, _beta2, _epsilon, _weightDecay) = (beta1, beta2, epsilon, weightDecay);
    }

    public long StepCount { get; private set; }

    public void Step(Memory<float> weights, ReadOnlyMemory<float> gradient, double learningRate, float gradientDivisor = 1, double gradientScale = 1,
        Memory<float> copyTo = default)
    {
        OptimizerChecks.Sizes(_m.Length, weights.Length, gradient.Length);
        OptimizerChecks.CopyTarget(weights.Length, copyTo.Length);
        StepCount++;
        var constants = new Constants(
            _beta1, 1 - _beta1, _beta2, 1 - _beta2, _epsilon,
            StepSize: learningRate / (1 - Math.Pow(_beta1, StepCount)),
            Correction2Sqrt: Math.Sqrt(1 - Math.Pow(_beta2, StepCount)),
            gradientDivisor, gradientScale, Shrink: 1 - learningRate * _weightDecay);
        FixedBlocks.ForEach(_m.Length, (_, start, count) =>
        {
            var block = weights.Span.Slice(start, count);
            UpdateBlock(block, gradient.Span.Slice(start, count), _m.AsSpan(start, count), _v.AsSpan(start, count), constants);
            if (!copyTo.IsEmpty) block.CopyTo(copyTo.Span.Slice(start, count));
        });
    }

    /// <summary>The step's scalars, computed once in double.</summary>
    private readonly record struct Constants(
        double Beta1, double OneMinusBeta1, double Beta2, double OneMinusBeta2, double Epsilon, double StepSize, double Correction2Sqrt, float GradientDivisor, double GradientScale, double Shrink);

    private static void UpdateBlock(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> moment1, Span<float> moment2, in Constants c)
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float m = ref MemoryMarshal.GetReference(moment1);
        ref float v = ref MemoryMarshal.GetReference(moment2);
        bool scaled = c.GradientScale != 1;
        bool decays = c.Shrink != 1;
        var shrink = Vector512.Create(c.Shrink);
        var (scale, beta1, oneMinusBeta1, beta2, oneMinusBeta2) = (Vector512.Create(c.GradientScale), Vector512.Create(c.Beta1),
            Vector512.Create(c.OneMinusBeta1), Vector512.Create(c.Beta2), Vector512.Create(c.OneMinusBeta2));
        var divisor = Vector512.Create(c.GradientDivisor);
        var (stepSize, correction2Sqrt, epsilon) = (Vector512.Create(c.StepSize), Vector512.Create(c.Correction2Sqrt), Vector512.Create(c.Epsilon));
        int i = 0;
        for (; i + Vector512<float>.Count <= weights.Length; i += Vector512<float>.Count)
        {
            var at = (nuint)i;
            // The mean (float division), then clipping, each rounded to float before Adam reads it, as when stored first.
            var gradient32 = Vector512.LoadUnsafe(ref g, at) / divisor;
            if (scaled) gradient32 = Vector512.Narrow(Vector512.WidenLower(gradient32) * scale, Vector512.WidenUpper(gradient32) * scale);
            var (gLow, gHigh) = Vector512.Widen(gradient32);
            var (mLow, mHigh) = Vector512.Widen(Vector512.LoadUnsafe(ref m, at));
            var m32 = Vector512.Narrow(beta1 * mLow + oneMinusBeta1 * gLow, beta1 * mHigh + oneMinusBeta1 * gHigh);
            m32.StoreUnsafe(ref m, at);
            var (vLow, vHigh) = Vector512.Widen(Vector512.LoadUnsafe(ref v, at));
            var v32 = Vector512.Narrow(beta2 * vLow + oneMinusBeta2 * gLow * gLow, beta2 * vHigh + oneMinusBeta2 * gHigh * gHigh);
            v32.StoreUnsafe(ref v, at);
            // The update reads m and v as stored (float), as the scalar code does.
            (mLow, mHigh) = Vector512.Widen(m32);
            (vLow, vHigh) = Vector512.Widen(v32);
            var (wLow, wHigh) = Vector512.Widen(Vector512.LoadUnsafe(ref w, at));
            if (decays) (wLow, wHigh) = (wLow * shrink, wHigh * shrink);
            wLow -= stepSize * mLow / (Vector512.Sqrt(vLow) / correction2Sqrt + epsilon);
            wHigh -= stepSize * mHigh / (Vector512.Sqrt(vHigh) / correction2Sqrt + epsilon);
            Vector512.Narrow(wLow, wHigh).StoreUnsafe(ref w, at);
        }
        for (; i < weights.Length; i++)
        {
            float mean = gradient[i] / c.GradientDivisor;
            double gi = scaled ? (float)(mean * c.GradientScale) : mean;
            double mi = moment1[i] = (float)(c.Beta1 * moment1[i] + c.OneMinusBeta1 * gi);
            double vi = moment2[i] = (float)(c.Beta2 * moment2[i] + c.OneMinusBeta2 * gi * gi);
            double wi = decays ? weights[i] * c.Shrink : weights[i];
            weights[i] = (float)(wi - c.StepSize * mi / (Math.Sqrt(vi) / c.Correction2Sqrt + c.Epsilon));
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
