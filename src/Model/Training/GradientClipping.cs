namespace AttnRnnCluster.Model.Training;

/// <summary>Clipping by global norm, as PyTorch's <c>clip_grad_norm_</c>: scale by maxNorm / (norm + 1e-6) when that is below 1.</summary>
public static class GradientClipping
{
    /// <summary>Clips <paramref name="gradient"/> in place; returns its L2 norm before clipping. <paramref name="maxNorm"/> 0 means off.</summary>
    public static double ClipByGlobalNorm(float[] gradient, double maxNorm)
    {
        double norm = GlobalNorm(gradient);
        double scale = ScaleFor(norm, maxNorm);
        if (scale != 1)
            for (int i = 0; i < gradient.Length; i++) gradient[i] = (float)(gradient[i] * scale);
        return norm;
    }

    /// <summary>
    /// What clipping multiplies the gradient by: maxNorm / (norm + 1e-6) when that is below 1, else 1 (also when
    /// <paramref name="maxNorm"/> is 0, off, and when the norm is not a number: the step then fails on it).
    /// </summary>
    public static double ScaleFor(double norm, double maxNorm)
    {
        if (maxNorm < 0 || double.IsNaN(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"the clipping norm must be 0 (off) or positive (got {maxNorm})");
        if (maxNorm == 0) return 1;
        double scale = maxNorm / (norm + 1e-6);
        return scale < 1 ? scale : 1;
    }

    /// <summary>The L2 norm, summed in double in <see cref="SumOfSquares"/>'s fixed order, so that it is the same everywhere.</summary>
    public static double GlobalNorm(ReadOnlyMemory<float> gradient) => Math.Sqrt(SumOfSquares.Of(gradient));
}
