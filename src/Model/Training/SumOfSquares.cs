using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AttnRnnCluster.Model.Training;

/// <summary>
/// The sum of squares of a float vector in double, in one fixed order that vector units and cores can share: each
/// <see cref="FixedBlocks"/> block keeps <see cref="Lanes"/> partial sums (value i goes to lane i mod 8, in index order),
/// adds its lanes in order, and the block sums are added in block order. The same bits on every machine and thread count
/// (the 8 lanes are those of one 512-bit vector of doubles; without AVX-512 .NET computes the same lanes in halves).
/// Each square of a float is exact in double; only the additions round, in this order.
/// </summary>
public static class SumOfSquares
{
    public const int Lanes = 8;

    /// <summary>The sum of squares of <paramref name="values"/>.</summary>
    public static double Of(ReadOnlyMemory<float> values) => Of(values, float.PositiveInfinity, out _);

    /// <summary>
    /// The sum of squares, and in the same pass whether every value is a number within ±<paramref name="limit"/>
    /// (false for NaN, for an infinity, and for a finite value beyond the limit).
    /// </summary>
    public static double Of(ReadOnlyMemory<float> values, float limit, out bool allWithin)
    {
        var sums = new double[FixedBlocks.Count(values.Length)];
        var within = new bool[sums.Length];
        FixedBlocks.ForEach(values.Length, (block, start, count) =>
            sums[block] = OfBlock(values.Span.Slice(start, count), limit, out within[block]));
        allWithin = Array.TrueForAll(within, w => w);
        return InBlockOrder(sums);
    }

    /// <summary>
    /// The sum of squares of the quotients <paramref name="sums"/>[i] / <paramref name="divisor"/> (float division): the
    /// squared norm of the mean-loss gradient, without storing it (the optimizer divides again as it reads the sums).
    /// </summary>
    public static double OfQuotients(ReadOnlyMemory<float> sums, float divisor)
    {
        var blockSums = new double[FixedBlocks.Count(sums.Length)];
        FixedBlocks.ForEach(sums.Length, (block, start, count) =>
            blockSums[block] = OfBlock(sums.Span.Slice(start, count), float.PositiveInfinity, out _, divisor));
        return InBlockOrder(blockSums);
    }

    private static double InBlockOrder(double[] blockSums)
    {
        double total = 0;
        foreach (double sum in blockSums) total += sum;
        return total;
    }

    /// <summary>
    /// One block: <see cref="Lanes"/> partial sums in index order, then the lanes in order; of the values divided by
    /// <paramref name="divisor"/> (in float; x / 1 is x).
    /// </summary>
    private static double OfBlock(ReadOnlySpan<float> values, float limit, out bool allWithin, float divisor = 1)
    {
        ref float first = ref MemoryMarshal.GetReference(values);
        var limits = Vector512.Create(limit);
        var divisors = Vector512.Create(divisor);
        var lanes = Vector512<double>.Zero;
        bool within = true;
        int i = 0;
        for (; i + Vector512<float>.Count <= values.Length; i += Vector512<float>.Count)
        {
            var v = Vector512.LoadUnsafe(ref first, (nuint)i) / divisors;
            within &= Vector512.LessThanOrEqualAll(Vector512.Abs(v), limits);
            var (lower, upper) = Vector512.Widen(v);
            // Values i..i+7 then i+8..i+15: lane j takes them in index order. No fused multiply-add: the square is exact, the sum rounds.
            lanes += lower * lower;
            lanes += upper * upper;
        }
        Span<double> partial = stackalloc double[Lanes];
        lanes.CopyTo(partial);
        for (; i < values.Length; i++)
        {
            float v = values[i] / divisor;
            within &= Math.Abs(v) <= limit;
            partial[i % Lanes] += (double)v * v;
        }
        allWithin = within;
        double sum = 0;
        foreach (double lane in partial) sum += lane;
        return sum;
    }
}
