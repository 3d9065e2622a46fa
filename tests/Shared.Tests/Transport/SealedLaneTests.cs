using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>Two nodes with the cluster's TLS (one join token) and one without, on loopback, with message lanes.</summary>
public sealed class SealedLaneFixture : IAsyncLifetime
{
    public JoinToken Token { get; } = JoinToken.Generate();
    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;
    public ActorSystem WithoutTls { get; private set; } = null!;

    /// <summary>Nodes whose lanes renew their key every <see cref="ShortKeyBytes"/>.</summary>
    public ActorSystem ShortKeySender { get; private set; } = null!;
    public ActorSystem ShortKeyReceiver { get; private set; } = null!;
    public const long ShortKeyBytes = 64 * 1024;

    public Task InitializeAsync()
    {
        var tls = ClusterTls.FromJoinToken(Token);
        Sender = ClusterTls.CreateSystem("attnrnn", TestNodes.NodeConfig("remote", MessageLaneFixture.Settings), tls);
        Receiver = ClusterTls.CreateSystem("attnrnn", TestNodes.NodeConfig("remote", MessageLaneFixture.Settings), tls);
        WithoutTls = TestNodes.Start("remote", MessageLaneFixture.Settings);
        var shortKeys = MessageLaneFixture.Settings with { LaneKeyBytes = ShortKeyBytes };
        ShortKeySender = ClusterTls.CreateSystem("attnrnn", TestNodes.NodeConfig("remote", shortKeys), tls);
        ShortKeyReceiver = ClusterTls.CreateSystem("attnrnn", TestNodes.NodeConfig("remote", shortKeys), tls);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver, WithoutTls, ShortKeySender, ShortKeyReceiver]);
}

/// <summary>
/// With TLS a lane's frames are sealed (<see cref="LaneSeal"/>) beneath TLS: messages still arrive whole and in order,
/// and bytes that were not sealed with the lane's key close it. Without TLS a sealed lane is refused (its key would
/// travel in cleartext).
/// </summary>
public sealed class SealedLaneTests(SealedLaneFixture nodes) : IClassFixture<SealedLaneFixture>
{
    private const int Burst = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_TLS_messages_travel_on_a_sealed_lane_whole_and_in_order()
    {
        var recipient = new Recorder(nodes.Receiver, "sealed-recipient");
        var sender = nodes.Sender.ActorOf(Props.Empty, "sealed-sender");
        var remote = TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.Receiver);
        long sent = TestNodes.Lanes(nodes.Sender).Counters.Sent;

        for (var i = 0; i < Burst; i++)
            PayloadTransport.Get(nodes.Sender).Tell(remote, new ShardFailed(i, WorkKind.Train, i, $"message {i} {new string('x', i * 50)}"), sender);

        for (var i = 0; i < Burst; i++)
        {
            var (message, from) = await recipient.Next<ShardFailed>(Patience);
            Assert.Equal(i, message.Version);
            Assert.Equal($"message {i} {new string('x', i * 50)}", message.Reason);
            Assert.Equal(sender.Path.ToStringWithAddress(TestNodes.AddressOf(nodes.Sender)), from.Path.ToString());
        }
        Assert.True(TestNodes.Lanes(nodes.Sender).IsSealedTo(TestNodes.AddressOf(nodes.Receiver)));
        Assert.True(TestNodes.Lanes(nodes.Sender).Counters.Sent > sent);
    }

    [Fact]
    public async Task A_lane_that_has_sealed_its_share_of_bytes_gives_way_to_a_new_key_and_no_message_is_lost_or_reordered()
    {
        var recipient = new Recorder(nodes.ShortKeyReceiver, "renewing-recipient");
        var remote = TestNodes.RemoteRef(nodes.ShortKeySender, recipient.Ref, nodes.ShortKeyReceiver);
        var counters = TestNodes.Lanes(nodes.ShortKeySender).Counters;
        long renewed = counters.KeysRenewed;
        var padding = new string('k', 8 * 1024);

        // About 1.7 MB in 200 messages: a key per 64 KiB renews it about 25 times, while messages keep coming.
        for (var i = 0; i < Burst; i++)
            PayloadTransport.Get(nodes.ShortKeySender).Tell(remote, new ShardFailed(i, WorkKind.Train, i, $"message {i} {padding}"), ActorRefs.NoSender);

        for (var i = 0; i < Burst; i++)
        {
            var (message, _) = await recipient.Next<ShardFailed>(Patience);
            Assert.Equal(i, message.Version);
            Assert.Equal($"message {i} {padding}", message.Reason);
        }
        Assert.InRange(counters.KeysRenewed - renewed, 10, Burst);
    }

    [Fact]
    public async Task A_frame_not_sealed_with_the_lanes_key_closes_the_lane_with_a_warning_and_a_sealed_one_is_read()
    {
        var warnings = new Recorder(nodes.Receiver, "sealed-warnings");
        nodes.Receiver.EventStream.Subscribe(warnings.Ref, typeof(Warning));

        // A holder of the cluster's credentials (the TLS handshake passes) who seals with a key other than the one it sent.
        var (forger, forgerKey) = await OpenSealedLane("sealed-forger");
        var wrong = (byte[])forgerKey.Clone();
        wrong[0] ^= 1;
        using (var seal = new LaneSeal(wrong))
            await forger.Socket.SendAsync(SealedFrame(seal, new byte[100]));
        Assert.Equal(-1, await TestNodes.ReadByte(forger.Socket, Patience));
        var warning = await NextLaneWarning(warnings);
        Assert.Contains("failed authentication", warning);
        Assert.Contains(TestNodes.AddressOf(nodes.Sender).ToString(), warning);

        // With the right key the frame is opened, and only then read: these bytes are not a frame body, which closes the lane too.
        var (honest, key) = await OpenSealedLane("sealed-garbage");
        using (var seal = new LaneSeal(key))
            await honest.Socket.SendAsync(SealedFrame(seal, new byte[100]));
        Assert.Equal(-1, await TestNodes.ReadByte(honest.Socket, Patience));
        warning = await NextLaneWarning(warnings);
        Assert.DoesNotContain("failed authentication", warning);
        forger.Dispose();
        honest.Dispose();
    }

    [Fact]
    public async Task A_node_without_TLS_refuses_a_sealed_lane()
    {
        // Asked by itself: a node with TLS cannot reach it over Akka.
        var invitation = await TestNodes.InviteLane(nodes.WithoutTls, nodes.WithoutTls, "sealed-asker-plain", Patience);

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(invitation.Host, invitation.Port);
        await socket.SendAsync(LaneWire.SealedRequest(invitation.Token, LaneSeal.NewKey()));

        Assert.Equal(BulkWire.Unknown, await TestNodes.ReadByte(socket, Patience));
    }

    private sealed record Connection(Socket Socket, SslStream Tls) : IDisposable
    {
        public void Dispose()
        {
            Socket.Dispose();
            Tls.Dispose();
        }
    }

    /// <summary>A lane to the receiver as a node of the cluster opens one: invited, in TLS, with a sealed request; answered Ready in TLS.</summary>
    private async Task<(Connection Connection, byte[] Key)> OpenSealedLane(string name)
    {
        var invitation = await TestNodes.InviteLane(nodes.Sender, nodes.Receiver, name, Patience);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(invitation.Host, invitation.Port);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = invitation.Host,
            ClientCertificates = [ClusterTls.FromJoinToken(nodes.Token).Certificate],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        var key = LaneSeal.NewKey();
        await tls.WriteAsync(LaneWire.SealedRequest(invitation.Token, key));
        var answer = new byte[1];
        Assert.Equal(1, await tls.ReadAsync(answer));
        Assert.Equal(BulkWire.Ready, answer[0]);
        return (new Connection(socket, tls), key);
    }

    private static byte[] SealedFrame(LaneSeal seal, byte[] body)
    {
        var frame = new byte[LaneWire.LengthPrefix + body.Length + LaneSeal.TagLength];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, LaneWire.LengthPrefix);
        seal.SealFrame(frame, LaneWire.LengthPrefix + body.Length);
        return frame;
    }

    private static async Task<string> NextLaneWarning(Recorder warnings) =>
        (await warnings.Next<Warning>(Patience, w => w.Message.ToString()!.Contains("Message lane from"))).Message.Message.ToString()!;
}
