using System.Runtime.InteropServices;
using System.IO.Hashing;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// The <see cref="GradientDigest"/> of a gradient a worker keeps (the chain data plane). The hash is XxHash128: fast
/// (a 40 MB gradient in a few milliseconds, where SHA-256 took a fifth of the two cores in the scale benchmark) and
/// enough to tell two honest workers' results apart; a worker that lies can lie about any digest, so a cryptographic
/// hash would buy nothing.
/// </summary>
public static class GradientDigests
{
    public static GradientDigest Of(float[] gradient)
    {
        var hash = XxHash128.Hash(MemoryMarshal.AsBytes(gradient.AsSpan()));
        double sumOfSquares = SumOfSquares.Of(gradient, float.MaxValue, out bool allWithin);
        float max = 0;
        bool finite = true;
        if (allWithin)
            max = MaxMagnitude(gradient);
        else
        {
            // Rare (a broken worker or a diverged model): value by value, as the coordinator's scan of a gradient does.
            sumOfSquares = 0;
            foreach (float v in gradient)
            {
                if (!float.IsFinite(v))
                {
                    finite = false;
                    continue;
                }
                max = Math.Max(max, Math.Abs(v));
                sumOfSquares += (double)v * v;
            }
        }
        return new GradientDigest(hash, Math.Sqrt(sumOfSquares), finite, max);
    }

    /// <summary>The largest |value| of finite values (the caller knows they are).</summary>
    private static float MaxMagnitude(ReadOnlySpan<float> values)
    {
        var max = System.Numerics.Vector<float>.Zero;
        int i = 0, width = System.Numerics.Vector<float>.Count;
        for (; i + width <= values.Length; i += width)
            max = System.Numerics.Vector.Max(max, System.Numerics.Vector.Abs(new System.Numerics.Vector<float>(values.Slice(i, width))));
        float result = 0;
        for (int lane = 0; lane < width; lane++) result = Math.Max(result, max[lane]);
        for (; i < values.Length; i++) result = Math.Max(result, Math.Abs(values[i]));
        return result;
    }
}
