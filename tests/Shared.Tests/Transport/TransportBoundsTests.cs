using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>Two remote nodes on loopback; the receiver closes lanes idle for a second.</summary>
public sealed class TransportBoundsFixture : IAsyncLifetime
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(1);

    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sender = TestNodes.Start("remote", TransferSettings.Default);
        Receiver = TestNodes.Start("remote", TransferSettings.Default with { LaneIdleTimeout = IdleTimeout });
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver]);
}

/// <summary>What a peer that holds connections open or sends garbage to the bulk port costs a node.</summary>
public sealed class TransportBoundsTests(TransportBoundsFixture nodes) : IClassFixture<TransportBoundsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_lane_holds_a_connection_slot_until_it_is_closed_for_idleness()
    {
        var server = PayloadTransport.Get(nodes.Receiver).BulkServer!;
        var invitation = await TestNodes.InviteLane(nodes.Sender, nodes.Receiver, "idle-lane-asker", Patience);

        using var lane = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await lane.ConnectAsync(invitation.Host, invitation.Port);
        await lane.SendAsync(LaneWire.Request(invitation.Token));
        Assert.Equal(BulkWire.Ready, await TestNodes.ReadByte(lane, Patience));
        Assert.Equal(1, server.Connections);

        // Nothing is sent: the receiving node closes the lane and gives its slot back.
        Assert.Equal(-1, await TestNodes.ReadByte(lane, Patience));
        await Until(() => server.Connections == 0);
    }

    [Fact]
    public async Task Garbage_from_twenty_connections_is_warned_about_once()
    {
        var warnings = new Recorder(nodes.Receiver, "garbage-warnings");
        nodes.Receiver.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        var server = PayloadTransport.Get(nodes.Receiver).BulkServer!;

        for (var i = 0; i < 20; i++)
        {
            using var garbage = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await garbage.ConnectAsync(IPAddress.Loopback, server.Port);
            await garbage.SendAsync(new byte[BulkWire.RequestLength + 3].Select((_, j) => (byte)(i * 7 + j)).ToArray());
            Assert.Equal(-1, await TestNodes.ReadByte(garbage, Patience));
        }
        // Each warning was published before its connection closed; this one comes after them all.
        Logging.GetLogger(nodes.Receiver, "sentinel").Warning("sentinel");

        var received = new List<string>();
        while (received.LastOrDefault() != "sentinel")
            received.Add((await warnings.Next<Warning>(Patience)).Message.Message.ToString()!);
        var garbageWarnings = received.Where(w => w.Contains("not a bulk channel request")).ToList();
        Assert.Single(garbageWarnings);
        Assert.Contains("Bulk channel: closed a connection from 127.0.0.1:", garbageWarnings[0]);
        Assert.DoesNotContain("   at ", garbageWarnings[0]);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not so within {Patience}");
            await Task.Delay(20);
        }
    }
}
