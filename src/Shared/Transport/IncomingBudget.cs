namespace AttnRnnCluster.Transport;

/// <summary>
/// The memory a node holds for incoming transfers, reserved before anything is allocated: at most
/// <paramref name="perPeerBytes"/> for one peer (a node, by address) and <paramref name="totalBytes"/> for all of
/// them. A transfer reserves its whole announced length when it starts (chunks) or before it is fetched (bulk), and
/// gives it back when it completes, fails or stalls; a reservation that does not fit is refused, so a peer that
/// announces more than it may hold costs nothing. Thread-safe: chunks are reserved on the receiver's thread, bulk
/// fetches on the thread pool.
/// </summary>
public sealed class IncomingBudget(long totalBytes, long perPeerBytes)
{
    private readonly Dictionary<string, long> _byPeer = [];
    private readonly Lock _lock = new();
    private long _reserved;

    public static IncomingBudget For(TransferSettings settings) => new(settings.MaxIncomingBytes, settings.MaxIncomingPerPeerBytes);

    /// <summary>Bytes reserved now, all peers together.</summary>
    public long Reserved
    {
        get
        {
            lock (_lock)
                return _reserved;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> for <paramref name="peer"/>; null when done, else why not (nothing reserved).</summary>
    public string? TryReserve(string peer, long bytes)
    {
        lock (_lock)
        {
            var held = _byPeer.GetValueOrDefault(peer);
            if (held + bytes > perPeerBytes)
                return $"{bytes} bytes more would hold {held + bytes} bytes for {peer}, over its limit of {perPeerBytes} (max-incoming-size / {TransferSettings.PeersSharingIncoming})";
            if (_reserved + bytes > totalBytes)
                return $"{bytes} bytes more would hold {_reserved + bytes} bytes for incoming transfers, over the limit of {totalBytes} (max-incoming-size)";
            _byPeer[peer] = held + bytes;
            _reserved += bytes;
            return null;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> reserved.</summary>
    public void Release(string peer, long bytes)
    {
        lock (_lock)
        {
            var held = _byPeer.GetValueOrDefault(peer) - bytes;
            if (held <= 0)
                _byPeer.Remove(peer);
            else
                _byPeer[peer] = held;
            _reserved -= bytes;
        }
    }
}
