namespace AttnRnnCluster.Transport;

/// <summary>What a node's bulk channel has done since it started: for tests, benchmarks and diagnostics.</summary>
public sealed class BulkChannelCounters
{
    private long _offered;
    private long _fetched;
    private long _fellBack;

    /// <summary>Payloads this node offered to a receiver.</summary>
    public long Offered => Interlocked.Read(ref _offered);

    /// <summary>Payloads this node fetched and verified (then decodes and delivers them).</summary>
    public long Fetched => Interlocked.Read(ref _fetched);

    /// <summary>Offers of this node that failed and went in chunks instead.</summary>
    public long FellBack => Interlocked.Read(ref _fellBack);

    internal void CountOffered() => Interlocked.Increment(ref _offered);

    internal void CountFetched() => Interlocked.Increment(ref _fetched);

    internal void CountFellBack() => Interlocked.Increment(ref _fellBack);
}
