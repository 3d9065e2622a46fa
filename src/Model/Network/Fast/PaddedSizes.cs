using System.Numerics;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// The widths the fast engine stores rows with: H and O rounded up to a whole number of vector pairs (so the
/// SIMD loops have no tails) and T rounded up to whole vectors (attention rows). The extra hidden units have
/// zero weights and bias, so they stay exactly 0 (tanh(0) = 0) and never reach a real unit or a gradient.
/// </summary>
internal sealed record PaddedSizes(int Hidden, int Outputs, int Lanes)
{
    public static PaddedSizes For<T>(ModelConfig config) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Kernels<T>.Lanes;
        return new PaddedSizes(RoundUp(config.Hidden, 2 * lanes), RoundUp(config.OutputWidth, 2 * lanes), lanes);
    }

    /// <summary>The row width for attention weights over <paramref name="steps"/> earlier states.</summary>
    public int Steps(int steps) => RoundUp(steps, Lanes);

    private static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;
}
