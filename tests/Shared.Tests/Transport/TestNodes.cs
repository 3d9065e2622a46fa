using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>Actor systems with real remoting on loopback (port 0), configured by the node's wire config (<see cref="Hosting.NodeConfig.Wire"/>).</summary>
public static class TestNodes
{
    public static ActorSystem Start(string provider, TransferSettings transfer, string extraHocon = "") =>
        ActorSystem.Create("attnrnn", NodeConfig(provider, transfer, extraHocon));

    public static Config NodeConfig(string provider, TransferSettings transfer, string extraHocon = "") =>
        ConfigurationFactory.ParseString(extraHocon)
            .WithFallback(Hosting.NodeConfig.Wire(transfer))
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka.loglevel = WARNING
                akka.actor.provider = {{provider}}
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """));

    /// <summary>Starts <paramref name="count"/> cluster nodes joined to the first, and waits until all see all as Up.</summary>
    public static async Task<ActorSystem[]> StartCluster(int count, TransferSettings transfer, TimeSpan timeout)
    {
        var nodes = Enumerable.Range(0, count).Select(_ => Start("cluster", transfer)).ToArray();
        var seed = Cluster.Get(nodes[0]).SelfAddress;
        foreach (var node in nodes)
            Cluster.Get(node).Join(seed);
        var deadline = DateTime.UtcNow + timeout;
        while (!nodes.All(n => Cluster.Get(n).State.Members.Count(m => m.Status == MemberStatus.Up) == count))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{count} nodes did not all come Up within {timeout}");
            await Task.Delay(100);
        }
        return nodes;
    }

    public static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    /// <summary>How <paramref name="from"/> reaches <paramref name="target"/> (an actor of <paramref name="targetSystem"/>): over the network.</summary>
    public static IActorRef RemoteRef(ActorSystem from, IActorRef target, ActorSystem targetSystem) =>
        ((ExtendedActorSystem)from).Provider.ResolveActorRef(target.Path.ToStringWithAddress(AddressOf(targetSystem)));

    /// <summary>A recorder of the system's error log events.</summary>
    public static Recorder RecordErrors(ActorSystem system, string name)
    {
        var errors = new Recorder(system, name);
        system.EventStream.Subscribe(errors.Ref, typeof(Error));
        return errors;
    }

    /// <summary>A node's message lanes (failing the test when it has none).</summary>
    public static MessageLanes Lanes(ActorSystem system) =>
        PayloadTransport.Get(system).Lanes ?? throw new InvalidOperationException($"{AddressOf(system)} has no message lanes");

    /// <summary>An invitation to open a lane to <paramref name="to"/>, asked for by an actor of <paramref name="from"/> as a node does.</summary>
    public static async Task<LaneInvitation> InviteLane(ActorSystem from, ActorSystem to, string askerName, TimeSpan timeout, long attempt = 5)
    {
        var asker = new Recorder(from, askerName);
        var receiver = ((ExtendedActorSystem)from).Provider.ResolveActorRef(new RootActorPath(AddressOf(to)) / "system" / PayloadTransport.ReceiverName);
        receiver.Tell(new LaneRequest(attempt), asker.Ref);
        return (await asker.Next<LaneInvitation>(timeout)).Message;
    }

    /// <summary>The next byte from <paramref name="socket"/>, or -1 when the peer closed the connection.</summary>
    public static async Task<int> ReadByte(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[1];
        using var cancel = new CancellationTokenSource(timeout);
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return read == 0 ? -1 : buffer[0];
    }

    public static async Task StopAll(IEnumerable<ActorSystem> systems) =>
        await Task.WhenAll(systems.Select(s => s.Terminate()));
}
