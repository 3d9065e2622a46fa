namespace AttnRnnCluster.Hosting.Logging;

/// <summary>
/// Decides whether a line about a peer (a sender, a remote node) may be logged now: the first time, then at most once
/// per <see cref="Period"/>, with the count of the lines left out since. Whoever can reach a port can send the same
/// unwanted message a thousand times a second; the log says so once a minute instead of filling the disk. Memory is
/// bounded too: at most <see cref="MaxPeers"/> peers are remembered (a flood of new names forgets the oldest).
/// Thread-safe: serializers call it from Akka.Remote's reading threads.
/// </summary>
public sealed class LogOncePerPeriod(TimeSpan period, TimeProvider time)
{
    /// <summary>Peers remembered at once; past it the least recently logged is forgotten (and may be logged again).</summary>
    public const int MaxPeers = 1024;

    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (long LoggedAt, int Suppressed)> _peers = [];
    private readonly Lock _lock = new();

    public LogOncePerPeriod() : this(Minute, TimeProvider.System)
    {
    }

    public TimeSpan Period { get; } = period;

    /// <summary>
    /// True when a line about <paramref name="peer"/> should be logged now; <paramref name="suppressed"/> is then the
    /// number of lines about it left out since the last one.
    /// </summary>
    public bool ShouldLog(string peer, out int suppressed)
    {
        long now = time.GetTimestamp();
        lock (_lock)
        {
            if (_peers.TryGetValue(peer, out var seen) && time.GetElapsedTime(seen.LoggedAt, now) < Period)
            {
                _peers[peer] = seen with { Suppressed = seen.Suppressed + 1 };
                suppressed = 0;
                return false;
            }
            if (!_peers.ContainsKey(peer) && _peers.Count >= MaxPeers)
                _peers.Remove(_peers.MinBy(p => p.Value.LoggedAt).Key);
            suppressed = seen.Suppressed;
            _peers[peer] = (now, 0);
            return true;
        }
    }
}
