namespace AttnRnnCluster.Model.Training;

/// <summary>
/// Work over a flat vector (weights, a gradient) in fixed blocks of <see cref="Length"/> values, side by side on the
/// cores once the vector is large. The blocks never depend on the number of threads, and everything that sums across
/// values (<see cref="SumOfSquares"/>) sums inside a block and then the blocks in order, so the bits are the same on
/// one core or many.
/// </summary>
internal static class FixedBlocks
{
    /// <summary>16,384 values (64 KiB of floats): long enough that a block's work dwarfs handing it to a thread.</summary>
    public const int Length = 1 << 14;

    /// <summary>From this many blocks on the work is spread over the cores; below, it stays on the calling thread.</summary>
    public const int ParallelFromBlocks = 4;

    public static int Count(int length) => (length + Length - 1) / Length;

    /// <summary>Runs <paramref name="body"/>(block, start, count) for every block of [0, <paramref name="length"/>).</summary>
    public static void ForEach(int length, Action<int, int, int> body)
    {
        int blocks = Count(length);
        if (blocks < ParallelFromBlocks || Environment.ProcessorCount == 1)
        {
            for (int block = 0; block < blocks; block++) Run(block, length, body);
            return;
        }
        Parallel.For(0, blocks, block => Run(block, length, body));
    }

    private static void Run(int block, int length, Action<int, int, int> body)
    {
        int start = block * Length;
        body(block, start, Math.Min(Length, length - start));
    }
}
