namespace AttnRnnCluster.Transport;

/// <summary>
/// One serialized message shared by the transfers that send it (one per recipient of a broadcast, and the bulk
/// server while it writes it), and returned to <see cref="PayloadBuffers"/> when the last of them lets go. Whoever
/// passes it on calls <see cref="Hold"/> for the new holder; every holder calls <see cref="Release"/> once.
/// </summary>
public sealed class SharedPayload
{
    private readonly PayloadBuffers _buffers;
    private int _holders = 1;

    /// <summary>A payload with one holder, the caller.</summary>
    public SharedPayload(byte[] bytes, PayloadBuffers buffers)
    {
        Bytes = bytes;
        _buffers = buffers;
    }

    public byte[] Bytes { get; }

    public SharedPayload Hold()
    {
        if (Interlocked.Increment(ref _holders) <= 1)
            throw new InvalidOperationException("the payload was already released by all its holders");
        return this;
    }

    public void Release()
    {
        var holders = Interlocked.Decrement(ref _holders);
        if (holders == 0)
            _buffers.Return(Bytes);
        else if (holders < 0)
            throw new InvalidOperationException("the payload was released more often than held");
    }
}
