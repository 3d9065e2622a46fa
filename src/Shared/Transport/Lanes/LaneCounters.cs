namespace AttnRnnCluster.Transport;

/// <summary>What a node's message lanes have done since it started: for tests, benchmarks and diagnostics.</summary>
public sealed class LaneCounters
{
    private long _sent;
    private long _received;
    private long _keysRenewed;

    /// <summary>Messages this node wrote on its lanes.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages this node read from other nodes' lanes and delivered.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Keys this node's sealed lanes renewed (each after <see cref="TransferSettings.LaneKeyBytes"/>).</summary>
    public long KeysRenewed => Interlocked.Read(ref _keysRenewed);

    internal void CountKeyRenewed() => Interlocked.Increment(ref _keysRenewed);

    internal void CountSent() => Interlocked.Increment(ref _sent);

    internal void CountReceived() => Interlocked.Increment(ref _received);
}
