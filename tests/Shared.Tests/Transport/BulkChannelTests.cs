using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Remote nodes on loopback with the bulk channel: a sender and a receiver (both putting local messages through the
/// serializers, as between machines), a receiver whose bulk channel is off, and a sender whose bulk server is gone
/// (as behind a firewall). Patient everywhere: a loaded machine cannot fail a healthy transfer.
/// </summary>
public sealed class BulkChannelFixture : IAsyncLifetime
{
    public static readonly TransferSettings Settings = TransferSettings.Default with { MaxPayloadBytes = 16 << 20 };

    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;
    public ActorSystem ReceiverWithoutBulk { get; private set; } = null!;
    public ActorSystem SenderBehindFirewall { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sender = TestNodes.Start("remote", Settings, "akka.actor.serialize-messages = on");
        Receiver = TestNodes.Start("remote", Settings, "akka.actor.serialize-messages = on");
        ReceiverWithoutBulk = TestNodes.Start("remote", Settings with { BulkChannel = false });
        SenderBehindFirewall = TestNodes.Start("remote", Settings);
        PayloadTransport.Get(SenderBehindFirewall).BulkServer!.Dispose();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver, ReceiverWithoutBulk, SenderBehindFirewall]);
}

public sealed class BulkChannelTests(BulkChannelFixture nodes) : IClassFixture<BulkChannelFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_large_message_travels_the_bulk_channel_and_arrives_bit_for_bit_with_its_sender()
    {
        var recipient = new Recorder(nodes.Receiver, "bulk-recipient");
        var coordinator = nodes.Sender.ActorOf(Props.Empty, "bulk-coordinator");
        var update = new WeightsUpdate(7, SampleMessages.Parameters(SampleMessages.ScrambledFloats(1_500_000)));
        var (fetched, fellBack) = (Counters(nodes.Receiver).Fetched, Counters(nodes.Sender).FellBack);

        PayloadTransport.Get(nodes.Sender).Tell(TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.Receiver), update, coordinator);
        var (received, sender) = await recipient.Next<WeightsUpdate>(Patience);

        Assert.Equal(7, received.Version);
        Assert.Equal(WireDescription.Of(update.Weights.Slots), WireDescription.Of(received.Weights.Slots));
        Assert.True(MemoryMarshal.AsBytes(update.Weights.Values.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(received.Weights.Values.AsSpan())),
            "the received weights differ from the sent ones");
        Assert.Equal(coordinator.Path.ToStringWithAddress(TestNodes.AddressOf(nodes.Sender)), sender.Path.ToString());
        Assert.Equal(fetched + 1, Counters(nodes.Receiver).Fetched);
        Assert.Equal(fellBack, Counters(nodes.Sender).FellBack);
    }

    [Fact]
    public async Task A_broadcast_offers_each_remote_recipient_its_own_fetch_and_tells_the_local_one()
    {
        var remoteA = new Recorder(nodes.Receiver, "bulk-broadcast-a");
        var remoteB = new Recorder(nodes.Receiver, "bulk-broadcast-b");
        var local = new Recorder(nodes.Sender, "bulk-broadcast-local");
        var update = new WeightsUpdate(8, SampleMessages.Parameters(SampleMessages.ScrambledFloats(400_000)));
        var (offered, fetched) = (Counters(nodes.Sender).Offered, Counters(nodes.Receiver).Fetched);

        PayloadTransport.Get(nodes.Sender).Tell([Remote(remoteA), Remote(remoteB), local.Ref], update, ActorRefs.NoSender);

        foreach (var recorder in new[] { remoteA, remoteB, local })
            Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recorder.Next<WeightsUpdate>(Patience)).Message));
        Assert.Equal(offered + 2, Counters(nodes.Sender).Offered);
        Assert.Equal(fetched + 2, Counters(nodes.Receiver).Fetched);
    }

    [Fact]
    public async Task A_message_below_the_bulk_threshold_goes_in_chunks()
    {
        var recipient = new Recorder(nodes.Receiver, "mid-size-recipient");
        var update = new WeightsUpdate(9, SampleMessages.Parameters(SampleMessages.ScrambledFloats(100_000)));
        var offered = Counters(nodes.Sender).Offered;

        PayloadTransport.Get(nodes.Sender).Tell(Remote(recipient), update, ActorRefs.NoSender);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recipient.Next<WeightsUpdate>(Patience)).Message));
        Assert.Equal(offered, Counters(nodes.Sender).Offered);
    }

    [Fact]
    public async Task A_receiver_with_the_bulk_channel_off_declines_and_gets_the_message_in_chunks_once()
    {
        var recipient = new Recorder(nodes.ReceiverWithoutBulk, "no-bulk-recipient");
        var update = new WeightsUpdate(10, SampleMessages.Parameters(SampleMessages.ScrambledFloats(1_000_000)));
        var fellBack = Counters(nodes.Sender).FellBack;

        PayloadTransport.Get(nodes.Sender).Tell(TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.ReceiverWithoutBulk), update, ActorRefs.NoSender);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recipient.Next<WeightsUpdate>(Patience)).Message));
        Assert.Null(PayloadTransport.Get(nodes.ReceiverWithoutBulk).BulkServer);
        Assert.Equal(0, Counters(nodes.ReceiverWithoutBulk).Fetched);
        Assert.Equal(fellBack + 1, Counters(nodes.Sender).FellBack);
    }

    [Fact]
    public async Task Offers_from_an_unreachable_bulk_server_fall_back_to_chunks_and_later_ones_are_declined_without_connecting()
    {
        var errors = TestNodes.RecordErrors(nodes.Receiver, "firewall-errors");
        var recipient = new Recorder(nodes.Receiver, "firewall-recipient");
        var target = TestNodes.RemoteRef(nodes.SenderBehindFirewall, recipient.Ref, nodes.Receiver);
        var fetched = Counters(nodes.Receiver).Fetched;
        var port = PayloadTransport.Get(nodes.SenderBehindFirewall).BulkServer!.Port;

        foreach (var version in new long[] { 1, 2 })
        {
            PayloadTransport.Get(nodes.SenderBehindFirewall).Tell(target, new WeightsUpdate(version, SampleMessages.Parameters(SampleMessages.ScrambledFloats(300_000))), ActorRefs.NoSender);
            Assert.Equal(version, (await recipient.Next<WeightsUpdate>(Patience)).Message.Version);
        }

        var refused = await NextError(errors, $"could not connect to 127.0.0.1:{port}:");
        var declined = await NextError(errors, $"could not connect to 127.0.0.1:{port} ");
        Assert.Contains("Dropped bulk transfer 1 of 'wu'", refused);
        Assert.Contains("Declined bulk transfer 2 of 'wu'", declined);
        Assert.Contains("its offers are declined for 60 s", declined);
        Assert.Equal(2, Counters(nodes.SenderBehindFirewall).FellBack);
        Assert.Equal(fetched, Counters(nodes.Receiver).Fetched);
    }

    private static async Task<string> NextError(Recorder errors, string text) =>
        (await errors.Next<Error>(Patience, e => e.Message.ToString()!.Contains(text, StringComparison.Ordinal))).Message.ToString()!;

    private static BulkChannelCounters Counters(ActorSystem system) => PayloadTransport.Get(system).BulkCounters;

    private IActorRef Remote(Recorder recorder) => TestNodes.RemoteRef(nodes.Sender, recorder.Ref, nodes.Receiver);
}
