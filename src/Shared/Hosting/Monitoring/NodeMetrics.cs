using Akka.Actor;
using AttnRnnCluster.Transport;
using Prometheus;

namespace AttnRnnCluster.Hosting.Monitoring;

/// <summary>
/// What every node exposes on /metrics, coordinator and worker alike: the bytes its transport sent and received per
/// channel, and the cluster membership events it saw, by kind. A worker starts a fresh actor system each time it
/// rejoins; the byte counters go on across them (<see cref="Attach"/>), so they only ever grow, as a counter must.
/// </summary>
public sealed class NodeMetrics
{
    private static readonly TransportChannel[] Channels = Enum.GetValues<TransportChannel>();
    private readonly Counter _sent;
    private readonly Counter _received;
    private readonly Counter _membership;
    private readonly Lock _gate = new();
    private readonly long[] _sentBefore = new long[Channels.Length], _receivedBefore = new long[Channels.Length];
    private TransportBytes? _current;

    public NodeMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _sent = factory.CreateCounter("attnrnn_transport_sent_bytes_total",
            "Bytes of messages this node sent to other nodes, by channel (akka: one Akka.Remote frame; lane: message lanes; bulk: the bulk channel; chunks: chunked over Akka)",
            "channel");
        _received = factory.CreateCounter("attnrnn_transport_received_bytes_total",
            "Bytes of messages this node received from other nodes, by channel (what arrives in one Akka.Remote frame is not counted)", "channel");
        _membership = factory.CreateCounter("attnrnn_membership_events_total",
            "Cluster membership events this node saw, by kind (up, unreachable, reachable, removed)", "event");
        registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>Counts the transport of <paramref name="system"/> from now on, after what earlier actor systems counted.</summary>
    public void Attach(ActorSystem system)
    {
        var bytes = PayloadTransport.Get(system).Bytes;
        lock (_gate)
        {
            if (_current is { } previous)
            {
                foreach (var channel in Channels)
                {
                    _sentBefore[(int)channel] += previous.Sent(channel);
                    _receivedBefore[(int)channel] += previous.Received(channel);
                }
            }
            _current = bytes;
        }
    }

    /// <summary>One membership event (<see cref="MembershipLogger"/>).</summary>
    public void MembershipEvent(string kind) => _membership.WithLabels(kind).Inc();

    private void Update()
    {
        lock (_gate)
        {
            foreach (var channel in Channels)
            {
                string label = channel.ToString().ToLowerInvariant();
                _sent.WithLabels(label).IncTo(_sentBefore[(int)channel] + (_current?.Sent(channel) ?? 0));
                _received.WithLabels(label).IncTo(_receivedBefore[(int)channel] + (_current?.Received(channel) ?? 0));
            }
        }
    }
}
