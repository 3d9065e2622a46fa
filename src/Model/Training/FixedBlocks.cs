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

    /// <summary>
    /// Runs <paramref name="body"/>(block, start, count) for every block of [0, <paramref name="length"/>). The calling
    /// thread and up to one helper per other core claim blocks one at a time; the caller waits only for blocks a helper
    /// has claimed, never for a helper that has not started (on a busy machine a queued thread may wait milliseconds for
    /// a core, and would find nothing left to do).
    /// </summary>
    public static void ForEach(int length, Action<int, int, int> body)
    {
        int blocks = Count(length);
        if (blocks < ParallelFromBlocks || Environment.ProcessorCount == 1)
        {
            for (int block = 0; block < blocks; block++) Run(block, length, body);
            return;
        }
        var work = new SharedWork(blocks, length, body);
        for (int helper = 1; helper < Math.Min(Environment.ProcessorCount, blocks); helper++)
            ThreadPool.UnsafeQueueUserWorkItem(static work => work.Claim(), work, preferLocal: false);
        work.Claim();
        work.WaitForClaimedBlocks();
    }

    private static void Run(int block, int length, Action<int, int, int> body)
    {
        int start = block * Length;
        body(block, start, Math.Min(Length, length - start));
    }

    /// <summary>The blocks of one <see cref="ForEach"/>: the next to claim, how many are done, the first failure.</summary>
    private sealed class SharedWork(int blocks, int length, Action<int, int, int> body)
    {
        private readonly ManualResetEventSlim _allDone = new(false);
        private int _next = -1;
        private int _done;
        private Exception? _failure;

        public void Claim()
        {
            for (int block; (block = Interlocked.Increment(ref _next)) < blocks;)
            {
                try
                {
                    Run(block, length, body);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }
                finally
                {
                    if (Interlocked.Increment(ref _done) == blocks) _allDone.Set();
                }
            }
        }

        public void WaitForClaimedBlocks()
        {
            // Not disposed: the helper that finished the last block may still be inside Set when Wait returns.
            _allDone.Wait();
            if (_failure != null) throw new AggregateException(_failure);
        }
    }
}
