namespace AttnRnnCluster.Model.Training;

/// <summary>Clipping by global norm, as PyTorch's <c>clip_grad_norm_</c>: scale by maxNorm / (norm + 1e-6) when that is below 1.</summary>
public static class GradientClipping
{
    /// <summary>Clips <paramref name="gradient"/> in place; returns its L2 norm before clipping. <paramref name="maxNorm"/> 0 means off.</summary>
    public static double ClipByGlobalNorm(Span<float> gradient, double maxNorm)
    {
        if (maxNorm < 0 || double.IsNaN(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"the clipping norm must be 0 (off) or positive (got {maxNorm})");
        double norm = GlobalNorm(gradient);
        if (maxNorm > 0)
        {
            double scale = maxNorm / (norm + 1e-6);
            if (scale < 1)
                for (int i = 0; i < gradient.Length; i++) gradient[i] = (float)(gradient[i] * scale);
        }
        return norm;
    }

    /// <summary>The L2 norm, summed in index order in double so that it is the same everywhere.</summary>
    public static double GlobalNorm(ReadOnlySpan<float> gradient)
    {
        double sum = 0;
        foreach (float g in gradient) sum += (double)g * g;
        return Math.Sqrt(sum);
    }
}
