using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The recycled buffers a step's weight broadcast carries. A buffer is lent with a <see cref="BufferLoan"/> and comes
/// back only when its last reader releases it, so a reader never sees it change: an in-process worker with a backlog
/// that loads a broadcast steps late still reads that step's weights, while the broadcasts after it take other buffers.
/// Why recycle: a fresh 4 MB array per step (1M parameters) lands on pages the process has not touched, and faulting them
/// in cost 2 ms, most of the coordinator's serial budget; a buffer that came back is warm. A loan never released (a
/// reader that stopped) costs only a new buffer.
/// </summary>
public sealed class BroadcastBuffers(int length)
{
    /// <summary>Buffers kept for reuse: readers hold the others. Two alternate when every reader keeps up; more would be idle memory.</summary>
    public const int MaxIdle = 2;

    private readonly Stack<float[]> _idle = new();
    private readonly Lock _lock = new();

    public int Length { get; } = length;

    /// <summary>A buffer nobody reads, with the loan that gives it back when its last reader is done (the caller is the first).</summary>
    public (float[] Buffer, BufferLoan Loan) Lend()
    {
        float[]? buffer;
        lock (_lock)
        {
            if (!_idle.TryPop(out buffer)) buffer = new float[Length];
        }
        return (buffer, new BufferLoan(() => GiveBack(buffer)));
    }

    private void GiveBack(float[] buffer)
    {
        lock (_lock)
        {
            if (_idle.Count < MaxIdle) _idle.Push(buffer);
        }
    }
}
