namespace AttnRnnCluster.Transport;

/// <summary>
/// Recycled payload buffers, matched by exact length. A node sends and fetches payloads of the same few sizes every
/// step (weights, gradients), and the memory of a fresh 64 MB array is mapped in page by page on first touch: about
/// 16,000 page faults, which on the virtual machines measured cost more than encoding or moving the bytes (40 ms
/// against 10 ms). A recycled buffer is already mapped. At most <paramref name="capacityBytes"/> wait here; beyond
/// that the oldest go to the garbage collector. Thread-safe.
/// </summary>
public sealed class PayloadBuffers(long capacityBytes)
{
    /// <summary>Room for the weights and gradient buffers of a few steps of a model of up to 64 MB.</summary>
    public const long DefaultCapacityBytes = 256L << 20;

    private readonly LinkedList<byte[]> _free = [];
    private readonly Lock _lock = new();
    private long _freeBytes;

    /// <summary>Bytes waiting to be reused.</summary>
    public long FreeBytes
    {
        get
        {
            lock (_lock)
                return _freeBytes;
        }
    }

    /// <summary>A buffer of exactly <paramref name="length"/> bytes, with arbitrary content.</summary>
    public byte[] Rent(int length)
    {
        lock (_lock)
        {
            for (var node = _free.Last; node != null; node = node.Previous)
            {
                if (node.Value.Length != length)
                    continue;
                _free.Remove(node);
                _freeBytes -= length;
                return node.Value;
            }
        }
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Takes back a buffer no one uses any more.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length > capacityBytes)
            return;
        lock (_lock)
        {
            _free.AddLast(buffer);
            _freeBytes += buffer.Length;
            while (_freeBytes > capacityBytes)
            {
                _freeBytes -= _free.First!.Value.Length;
                _free.RemoveFirst();
            }
        }
    }
}
