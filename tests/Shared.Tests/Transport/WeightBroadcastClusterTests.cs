using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Cluster;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;
using Xunit.Abstractions;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Issue 5's acceptance test: a 64 MB weight broadcast from a coordinator to 2 workers in a real 3-node cluster
/// (three actor systems on loopback) arrives bit for bit, and meanwhile no node ever considers another unreachable:
/// the chunks leave room for the heartbeats.
/// </summary>
public sealed class WeightBroadcastClusterTests(ITestOutputHelper output)
{
    private const int ParameterCount = 16 * 1024 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_64_MB_weight_broadcast_reaches_two_workers_bit_for_bit_with_no_member_unreachable()
    {
        var nodes = await TestNodes.StartCluster(3, TransferSettings.Default, Patience);
        try
        {
            var watchers = nodes.Select((node, i) => WatchUnreachable(node, $"unreachable-watcher-{i}")).ToArray();
            var coordinator = nodes[0].ActorOf(Props.Empty, "coordinator");
            var workers = nodes[1..].Select(node => new Recorder(node, "worker")).ToArray();
            var remoteWorkers = workers.Select((w, i) => TestNodes.RemoteRef(nodes[0], w.Ref, nodes[i + 1])).ToArray();
            var update = new WeightsUpdate(42, new ParameterBuffer([new TensorSlot("all", [ParameterCount], 0)], SampleMessages.ScrambledFloats(ParameterCount)));

            var clock = Stopwatch.StartNew();
            PayloadTransport.Get(nodes[0]).Tell(remoteWorkers, update, coordinator);
            var received = new List<(WeightsUpdate Message, IActorRef Sender)>();
            foreach (var worker in workers)
                received.Add(await worker.Next<WeightsUpdate>(Patience));
            output.WriteLine($"64 MB to 2 workers in {clock.ElapsedMilliseconds} ms");

            foreach (var (message, sender) in received)
            {
                Assert.Equal(42, message.Version);
                Assert.Equal("all", Assert.Single(message.Weights.Slots).Name);
                Assert.True(MemoryMarshal.AsBytes(update.Weights.Values.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(message.Weights.Values.AsSpan())),
                    "the received weights differ from the sent ones");
                Assert.Equal(coordinator.Path.ToStringWithAddress(TestNodes.AddressOf(nodes[0])), sender.Path.ToString());
            }
            Assert.All(watchers, watcher => Assert.DoesNotContain(watcher.Drain(), r => r.Message is ClusterEvent.UnreachableMember));
            Assert.All(nodes, node => Assert.Empty(Cluster.Get(node).State.Unreachable));
        }
        finally
        {
            await TestNodes.StopAll(nodes);
        }
    }

    private static Recorder WatchUnreachable(ActorSystem node, string name)
    {
        var watcher = new Recorder(node, name);
        Cluster.Get(node).Subscribe(watcher.Ref, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.UnreachableMember));
        return watcher;
    }
}
