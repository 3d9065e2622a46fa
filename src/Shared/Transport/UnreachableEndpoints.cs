namespace AttnRnnCluster.Transport;

/// <summary>
/// Bulk servers this node recently failed to connect to. Offers from them are declined at once for
/// <paramref name="memory"/>, so a firewalled port costs one connect timeout per that period rather than one per
/// transfer. Thread-safe (fetches run off the actor thread); time is passed in (milliseconds on any monotonic clock)
/// so the rule is testable without waiting.
/// </summary>
public sealed class UnreachableEndpoints(TimeSpan memory)
{
    private readonly Dictionary<string, long> _failedAt = [];
    private readonly Lock _lock = new();

    public void Remember(string endpoint, long nowMilliseconds)
    {
        lock (_lock)
            _failedAt[endpoint] = nowMilliseconds;
    }

    /// <summary>When <paramref name="endpoint"/> last failed, if that was less than the memory ago.</summary>
    public bool IsUnreachable(string endpoint, long nowMilliseconds, out long failedAtMilliseconds)
    {
        lock (_lock)
        {
            if (!_failedAt.TryGetValue(endpoint, out failedAtMilliseconds))
                return false;
            if (nowMilliseconds - failedAtMilliseconds < memory.TotalMilliseconds)
                return true;
            _failedAt.Remove(endpoint);
            return false;
        }
    }
}
