namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// The readers of a message whose values live in a recycled buffer (a weight broadcast): the buffer goes back to its
/// owner only when every reader is done with it, never while one may still read it. It starts with one reader, the
/// sender, who adds one for each recipient that will read the message later (an in-process worker with a backlog may
/// load a broadcast several steps late) before releasing its own. A reader that never releases (a recipient that
/// stopped, a message dropped as a dead letter) only keeps the buffer from being recycled: its owner makes another.
/// </summary>
public sealed class BufferLoan(Action giveBack)
{
    private int _readers = 1;

    /// <summary>Readers still holding the buffer (0 once it went back).</summary>
    public int Readers => Volatile.Read(ref _readers);

    /// <summary>One more reader. Only while the caller holds a reader of its own, so the buffer cannot have gone back.</summary>
    public void AddReader()
    {
        if (Interlocked.Increment(ref _readers) <= 1)
            throw new InvalidOperationException("a reader was added to a buffer loan that had gone back to its owner");
    }

    /// <summary>This reader is done: it must not read the buffer again. The last one gives it back.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _readers);
        if (left == 0) giveBack();
        else if (left < 0) throw new InvalidOperationException("a buffer loan was released more often than it had readers");
    }
}
