namespace AttnRnnCluster.Transport;

/// <summary>What a node's message lanes have done since it started: for tests, benchmarks and diagnostics.</summary>
public sealed class LaneCounters
{
    private long _sent;
    private long _received;

    /// <summary>Messages this node wrote on its lanes.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages this node read from other nodes' lanes and delivered.</summary>
    public long Received => Interlocked.Read(ref _received);

    internal void CountSent() => Interlocked.Increment(ref _sent);

    internal void CountReceived() => Interlocked.Increment(ref _received);
}
