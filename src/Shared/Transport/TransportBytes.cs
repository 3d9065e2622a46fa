namespace AttnRnnCluster.Transport;

/// <summary>
/// The bytes of messages this node has sent and received since its actor system started, per channel (the encoded
/// messages and payloads, not the framing or TLS around them). One interlocked add per message or chunk. What arrives
/// in one Akka.Remote frame is decoded by Akka itself, so <see cref="TransportChannel.Akka"/> counts sent bytes only.
/// </summary>
public sealed class TransportBytes
{
    private readonly long[] _sent = new long[Enum.GetValues<TransportChannel>().Length];
    private readonly long[] _received = new long[Enum.GetValues<TransportChannel>().Length];

    public long Sent(TransportChannel channel) => Interlocked.Read(ref _sent[(int)channel]);

    public long Received(TransportChannel channel) => Interlocked.Read(ref _received[(int)channel]);

    internal void CountSent(TransportChannel channel, long bytes) => Interlocked.Add(ref _sent[(int)channel], bytes);

    internal void CountReceived(TransportChannel channel, long bytes) => Interlocked.Add(ref _received[(int)channel], bytes);
}
