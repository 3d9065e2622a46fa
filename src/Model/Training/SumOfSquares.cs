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
        {
            var squares = new BlockQuotients(divisor);
            squares.Add(sums.Span.Slice(start, count));
            blockSums[block] = squares.Total();
        });
        return InBlockOrder(blockSums);
    }

    /// <summary>The blocks' sums (<see cref="FixedBlocks"/> order) added in block order: the total every pass here returns.</summary>
    internal static double InBlockOrder(double[] blockSums)
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

    /// <summary>
    /// One block's sum of the squared quotients v / divisor, fed in index order in pieces whose lengths (all but the last)
    /// are whole vectors of 16: the bits of <see cref="OfQuotients"/>' block, whether the block comes whole or in the
    /// strips of a pass that writes the values (the coordinator's gradient sum measures its norm as it adds the last shard).
    /// </summary>
    internal struct BlockQuotients(float divisor)
    {
        private Vector512<double> _lanes;
        private int _added;
        private double[]? _partial;

        public void Add(ReadOnlySpan<float> values)
        {
            if (_partial != null) throw new InvalidOperationException("values after a piece that was not whole vectors");
            ref float first = ref MemoryMarshal.GetReference(values);
            var divisors = Vector512.Create(divisor);
            var lanes = _lanes;
            int i = 0;
            for (; i + Vector512<float>.Count <= values.Length; i += Vector512<float>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref first, (nuint)i) / divisors);
                // Values i..i+7 then i+8..i+15: lane j takes them in index order. No fused multiply-add: the square is exact, the sum rounds.
                lanes += lower * lower;
                lanes += upper * upper;
            }
            _lanes = lanes;
            if (i < values.Length)
            {
                _partial = new double[Lanes];
                lanes.CopyTo(_partial);
                for (; i < values.Length; i++)
                {
                    float v = values[i] / divisor;
                    _partial[(_added + i) % Lanes] += (double)v * v;
                }
            }
            _added += values.Length;
        }

        /// <summary>The lanes added in order.</summary>
        public readonly double Total()
        {
            Span<double> partial = stackalloc double[Lanes];
            if (_partial != null) _partial.CopyTo(partial);
            else _lanes.CopyTo(partial);
            double sum = 0;
            foreach (double lane in partial) sum += lane;
            return sum;
        }
    }
}
