using System.Buffers.Binary;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Remote nodes on loopback with message lanes: two with lanes on, one with lanes off, one whose bulk channel is off
/// (so it takes no lanes), and one whose lanes the test breaks. Patient everywhere: a loaded machine cannot fail a
/// healthy lane.
/// </summary>
public sealed class MessageLaneFixture : IAsyncLifetime
{
    public static readonly TransferSettings Settings = TransferSettings.Default;

    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;
    public ActorSystem WithoutLanes { get; private set; } = null!;
    public ActorSystem WithoutBulkChannel { get; private set; } = null!;
    public ActorSystem ToBreak { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sender = TestNodes.Start("remote", Settings);
        Receiver = TestNodes.Start("remote", Settings);
        WithoutLanes = TestNodes.Start("remote", Settings with { Lanes = false });
        WithoutBulkChannel = TestNodes.Start("remote", Settings with { BulkChannel = false });
        ToBreak = TestNodes.Start("remote", Settings);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver, WithoutLanes, WithoutBulkChannel, ToBreak]);
}

public sealed class MessageLaneTests(MessageLaneFixture nodes) : IClassFixture<MessageLaneFixture>
{
    private const int Burst = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Small_messages_travel_on_a_lane_in_order_with_their_sender_even_while_it_opens()
    {
        var recipient = new Recorder(nodes.Receiver, "lane-recipient");
        var coordinator = nodes.Sender.ActorOf(Props.Empty, "lane-coordinator");
        var (sent, received) = (TestNodes.Lanes(nodes.Sender).Counters.Sent, TestNodes.Lanes(nodes.Receiver).Counters.Received);

        SendBurst(nodes.Sender, nodes.Receiver, recipient, coordinator);

        await ExpectBurstInOrder(recipient, nodes.Sender, coordinator);
        Assert.Equal(sent + Burst, TestNodes.Lanes(nodes.Sender).Counters.Sent);
        Assert.Equal(received + Burst, TestNodes.Lanes(nodes.Receiver).Counters.Received);
    }

    /// <summary>
    /// A lane's messages must not wake .NET's epoll thread and a thread-pool thread each (two context switches on
    /// cores that compute): the receiving end is only ever read with blocking calls, so .NET never makes it non-blocking.
    /// </summary>
    [LinuxFact]
    public async Task The_receiving_end_of_a_lane_stays_a_blocking_socket()
    {
        var recipient = new Recorder(nodes.Receiver, "lane-blocking-recipient");

        SendBurst(nodes.Sender, nodes.Receiver, recipient, sender: null);
        await ExpectBurstInOrder(recipient, senderSystem: null, sender: null);

        var accepted = LinuxSockets.ConnectionsOnLocalPort(PayloadTransport.Get(nodes.Receiver).BulkServer!.Port);
        Assert.NotEmpty(accepted);
        Assert.All(accepted, connection => Assert.False(connection.NonBlocking, $"descriptor {connection.Descriptor} is non-blocking"));
    }

    [Fact]
    public async Task A_message_larger_than_a_chunk_but_below_the_bulk_threshold_travels_whole_on_the_lane()
    {
        var recipient = new Recorder(nodes.Receiver, "lane-large-recipient");
        var update = new WeightsUpdate(9, SampleMessages.Parameters(SampleMessages.ScrambledFloats(100_000)));
        var (sent, offered) = (TestNodes.Lanes(nodes.Sender).Counters.Sent, PayloadTransport.Get(nodes.Sender).BulkCounters.Offered);
        Assert.InRange(((ProtocolSerializer)nodes.Sender.Serialization.FindSerializerFor(update)).EncodedSize(update), MessageLaneFixture.Settings.ChunkSize + 1, MessageLaneFixture.Settings.BulkThreshold - 1);

        PayloadTransport.Get(nodes.Sender).Tell(TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.Receiver), update, ActorRefs.NoSender);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recipient.Next<WeightsUpdate>(Patience)).Message));
        Assert.Equal(sent + 1, TestNodes.Lanes(nodes.Sender).Counters.Sent);
        Assert.Equal(offered, PayloadTransport.Get(nodes.Sender).BulkCounters.Offered);
    }

    /// <summary>
    /// The chain's relays give a segment's array back for the next one only when the transport says its frame is
    /// written: a message held for a lane, sent over Akka (encoded later) or handed to a local actor is still to be read.
    /// </summary>
    [Fact]
    public async Task A_message_counts_as_written_only_once_its_frame_is_on_an_open_lane()
    {
        var transport = PayloadTransport.Get(nodes.Sender);
        var recipient = new Recorder(nodes.Receiver, "written-recipient");
        var remote = TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.Receiver);
        var local = new Recorder(nodes.Sender, "written-local-recipient");
        var withoutLanes = new Recorder(nodes.WithoutLanes, "written-no-lane-recipient");
        SendBurst(nodes.Sender, nodes.Receiver, recipient, ActorRefs.NoSender);
        await ExpectBurstInOrder(recipient, null, null);
        Assert.True(transport.Lanes!.IsOpenTo(((ExtendedActorSystem)nodes.Receiver).Provider.DefaultAddress));
        // That node declines lanes: the burst waits for the answer, then goes over Akka, as will what follows.
        SendBurst(nodes.Sender, nodes.WithoutLanes, withoutLanes, ActorRefs.NoSender);
        await ExpectBurstInOrder(withoutLanes, null, null);
        var segment = new SumSegment(4, 0, 1, 0, [1f, 2f, 3f]);

        Assert.True(transport.TellWritten(remote, segment, ActorRefs.NoSender));
        Assert.False(transport.TellWritten(local.Ref, segment, ActorRefs.NoSender));
        Assert.False(transport.TellWritten(TestNodes.RemoteRef(nodes.Sender, withoutLanes.Ref, nodes.WithoutLanes), segment, ActorRefs.NoSender));

        var (overLane, _) = await recipient.Next<SumSegment>(Patience);
        var (atLocal, _) = await local.Next<SumSegment>(Patience);
        var (overAkka, _) = await withoutLanes.Next<SumSegment>(Patience);
        Assert.Equal(segment.Values, overLane.Values);
        Assert.Same(segment, atLocal);
        Assert.Equal(segment.Values, overAkka.Values);
    }

    [Fact]
    public async Task A_node_with_lanes_off_neither_opens_nor_takes_them_and_its_messages_go_over_Akka_in_order()
    {
        Assert.Null(PayloadTransport.Get(nodes.WithoutLanes).Lanes);
        var atWithoutLanes = new Recorder(nodes.WithoutLanes, "lane-off-recipient");
        var atReceiver = new Recorder(nodes.Receiver, "lane-off-sender-recipient");
        var (sent, received) = (TestNodes.Lanes(nodes.Sender).Counters.Sent, TestNodes.Lanes(nodes.Receiver).Counters.Received);

        SendBurst(nodes.Sender, nodes.WithoutLanes, atWithoutLanes, ActorRefs.NoSender);
        SendBurst(nodes.WithoutLanes, nodes.Receiver, atReceiver, ActorRefs.NoSender);

        await ExpectBurstInOrder(atWithoutLanes, null, null);
        await ExpectBurstInOrder(atReceiver, null, null);
        Assert.Equal(sent, TestNodes.Lanes(nodes.Sender).Counters.Sent);
        Assert.Equal(received, TestNodes.Lanes(nodes.Receiver).Counters.Received);
    }

    [Fact]
    public async Task A_node_without_a_bulk_channel_declines_lanes_and_gets_everything_over_Akka()
    {
        Assert.Null(PayloadTransport.Get(nodes.WithoutBulkChannel).Lanes);
        var recipient = new Recorder(nodes.WithoutBulkChannel, "no-bulk-recipient");
        var sent = TestNodes.Lanes(nodes.Sender).Counters.Sent;

        SendBurst(nodes.Sender, nodes.WithoutBulkChannel, recipient, ActorRefs.NoSender);

        await ExpectBurstInOrder(recipient, null, null);
        Assert.Equal(sent, TestNodes.Lanes(nodes.Sender).Counters.Sent);
    }

    [Fact]
    public async Task When_a_lane_breaks_later_messages_go_over_Akka_and_still_arrive_in_order()
    {
        var recipient = new Recorder(nodes.ToBreak, "break-recipient");
        SendBurst(nodes.Sender, nodes.ToBreak, recipient, ActorRefs.NoSender);
        await ExpectBurstInOrder(recipient, null, null);
        var received = TestNodes.Lanes(nodes.ToBreak).Counters.Received;
        Assert.True(received >= Burst, $"the first burst should have come on the lane, {received} did");

        // The receiving node's lanes close (as when its process stops reading); its actors stay.
        TestNodes.Lanes(nodes.ToBreak).Dispose();
        await WaitUntilClosed(nodes.Sender, nodes.ToBreak);
        SendBurst(nodes.Sender, nodes.ToBreak, recipient, ActorRefs.NoSender);

        await ExpectBurstInOrder(recipient, null, null);
        Assert.Equal(received, TestNodes.Lanes(nodes.ToBreak).Counters.Received);
    }

    [Fact]
    public async Task A_lane_with_a_wrong_token_is_refused_and_a_malformed_frame_closes_the_lane_with_a_warning()
    {
        var warnings = new Recorder(nodes.Receiver, "lane-warnings");
        nodes.Receiver.EventStream.Subscribe(warnings.Ref, typeof(Warning));
        var invitation = await TestNodes.InviteLane(nodes.Sender, nodes.Receiver, "lane-asker", Patience, attempt: 77);
        Assert.Equal(77, invitation.Attempt);

        using (var forged = await Connect(invitation))
        {
            await forged.SendAsync(LaneWire.Request(new byte[BulkWire.TokenLength]));
            Assert.Equal(BulkWire.Unknown, await TestNodes.ReadByte(forged, Patience));
        }

        using var lane = await Connect(invitation);
        await lane.SendAsync(LaneWire.Request(invitation.Token));
        Assert.Equal(BulkWire.Ready, await TestNodes.ReadByte(lane, Patience));
        var tooLong = new byte[LaneWire.LengthPrefix];
        BinaryPrimitives.WriteInt32LittleEndian(tooLong, 1 << 30);
        await lane.SendAsync(tooLong);

        Assert.Equal(-1, await TestNodes.ReadByte(lane, Patience));
        var warning = (await warnings.Next<Warning>(Patience, w => w.Message.ToString()!.Contains("Message lane from"))).Message.ToString()!;
        Assert.Contains($"a lane frame announces {1 << 30} bytes, expected 1..{TestNodes.Lanes(nodes.Receiver).MaxBody}", warning);
        Assert.Contains(TestNodes.AddressOf(nodes.Sender).ToString(), warning);
    }

    [Fact]
    public void A_lane_request_reads_back_and_a_bulk_request_is_not_one()
    {
        var token = Enumerable.Range(1, BulkWire.TokenLength).Select(i => (byte)i).ToArray();

        Assert.True(LaneWire.TryRead(LaneWire.Request(token), out var read, out var plainIsSealed));
        Assert.Equal(token, read.ToArray());
        Assert.False(plainIsSealed);
        var sealedRequest = LaneWire.SealedRequest(token, new byte[LaneSeal.KeyLength]);
        Assert.Equal(BulkWire.RequestLength + LaneSeal.KeyLength, sealedRequest.Length);
        Assert.True(LaneWire.TryRead(sealedRequest.AsSpan(0, BulkWire.RequestLength), out read, out var isSealed));
        Assert.Equal(token, read.ToArray());
        Assert.True(isSealed);
        Assert.False(LaneWire.TryRead(BulkWire.Request(5, token), out _, out _));
        Assert.False(BulkWire.TryRead(LaneWire.Request(token), out _, out _));
    }

    private static void SendBurst(ActorSystem from, ActorSystem to, Recorder recipient, IActorRef? sender)
    {
        var remote = TestNodes.RemoteRef(from, recipient.Ref, to);
        for (var i = 0; i < Burst; i++)
            PayloadTransport.Get(from).Tell(remote, new ShardFailed(Version: i, WorkKind.Train, ShardIndex: i, Reason: $"message {i}"), sender);
    }

    /// <summary>All of a burst, each in its place; with <paramref name="sender"/>, each from it (as seen on <paramref name="senderSystem"/>'s address).</summary>
    private static async Task ExpectBurstInOrder(Recorder recipient, ActorSystem? senderSystem, IActorRef? sender)
    {
        for (var i = 0; i < Burst; i++)
        {
            var (message, from) = await recipient.Next<ShardFailed>(Patience);
            Assert.Equal(i, message.Version);
            Assert.Equal($"message {i}", message.Reason);
            if (sender != null)
                Assert.Equal(sender.Path.ToStringWithAddress(TestNodes.AddressOf(senderSystem!)), from.Path.ToString());
        }
    }

    /// <summary>Waits until <paramref name="from"/>'s lane to <paramref name="to"/> has noticed it was closed (a message sent then goes over Akka).</summary>
    private static async Task WaitUntilClosed(ActorSystem from, ActorSystem to)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (TestNodes.Lanes(from).IsOpenTo(TestNodes.AddressOf(to)))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the lane to {TestNodes.AddressOf(to)} still looks open after {Patience}");
            await Task.Delay(50);
        }
    }

    private static async Task<Socket> Connect(LaneInvitation invitation)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(invitation.Host, invitation.Port);
        return socket;
    }
}
