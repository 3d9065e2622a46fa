using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Remote nodes on loopback with tiny chunks, so a modest message takes many chunks: a sender and a receiver that
/// wait patiently for progress (so a loaded machine cannot fail a healthy transfer), an impatient node (2 s) for the
/// stall tests, and a node without the transport (its receiver never answers). The first two also put every local
/// message through the serializers (<c>serialize-messages</c>), as between machines.
/// </summary>
public sealed class PayloadTransportFixture : IAsyncLifetime
{
    public static readonly TransferSettings Patient = new(ChunkSize: 1024, Window: 4, TimeSpan.FromSeconds(60), MaxPayloadBytes: 1 << 20);
    public static readonly TransferSettings Impatient = Patient with { Timeout = TimeSpan.FromSeconds(2) };

    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;
    public ActorSystem ImpatientNode { get; private set; } = null!;
    public ActorSystem WithoutTransport { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sender = TestNodes.Start("remote", Patient, "akka.actor.serialize-messages = on");
        Receiver = TestNodes.Start("remote", Patient, "akka.actor.serialize-messages = on");
        ImpatientNode = TestNodes.Start("remote", Impatient);
        WithoutTransport = TestNodes.Start("remote", Patient, "akka.extensions = []");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver, ImpatientNode, WithoutTransport]);
}

public sealed class PayloadTransportTests(PayloadTransportFixture nodes) : IClassFixture<PayloadTransportFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_large_message_arrives_whole_with_the_original_sender()
    {
        var recipient = new Recorder(nodes.Receiver, "large-recipient");
        var coordinator = nodes.Sender.ActorOf(Props.Empty, "large-coordinator");
        var update = new WeightsUpdate(3, SampleMessages.Parameters(Floats(20_000)));

        PayloadTransport.Get(nodes.Sender).Tell(Remote(recipient), update, coordinator);
        var (received, sender) = await recipient.Next<WeightsUpdate>(Patience);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of(received));
        Assert.Equal(coordinator.Path.ToStringWithAddress(TestNodes.AddressOf(nodes.Sender)), sender.Path.ToString());
    }

    [Fact]
    public async Task A_broadcast_of_small_and_large_messages_reaches_remote_and_local_recipients()
    {
        var remoteA = new Recorder(nodes.Receiver, "broadcast-a");
        var remoteB = new Recorder(nodes.Receiver, "broadcast-b");
        var local = new Recorder(nodes.Sender, "broadcast-local");
        var small = new TrainingFinished("done");
        var large = new WeightsUpdate(4, SampleMessages.Parameters(Floats(5_000)));

        foreach (IProtocolMessage message in new IProtocolMessage[] { small, large })
            PayloadTransport.Get(nodes.Sender).Tell([Remote(remoteA), Remote(remoteB), local.Ref], message, ActorRefs.NoSender);

        foreach (var recorder in new[] { remoteA, remoteB, local })
        {
            Assert.Equal(WireDescription.Of(small), WireDescription.Of((await recorder.Next<TrainingFinished>(Patience)).Message));
            Assert.Equal(WireDescription.Of(large), WireDescription.Of((await recorder.Next<WeightsUpdate>(Patience)).Message));
        }
    }

    [Fact]
    public async Task A_local_recipient_gets_the_message_instance_itself_without_serialization()
    {
        using var system = ActorSystem.Create("local", NodeConfig.Wire());
        var local = new Recorder(system, "local");
        var large = new WeightsUpdate(4, SampleMessages.Parameters(Floats(5_000)));

        PayloadTransport.Get(system).Tell(local.Ref, large, ActorRefs.NoSender);

        Assert.Same(large, (await local.Next<WeightsUpdate>(Patience)).Message);
    }

    [Fact]
    public async Task A_corrupt_transfer_is_rejected_logged_with_its_sender_and_never_delivered()
    {
        var errors = TestNodes.RecordErrors(nodes.Receiver, "corrupt-errors");
        var recipient = new Recorder(nodes.Receiver, "corrupt-recipient");
        var forger = new Recorder(nodes.Sender, "forger");
        var payload = new byte[1500];
        var header = new PayloadHeader(77, 1024, payload.Length, Checksum: 12345, ProtocolSerializer.SerializerId, "tf", Remote(recipient), null);

        foreach (var index in new[] { 0, 1 })
            ReceiverOf(nodes.Receiver).Tell(new PayloadChunk(header, index, payload.AsMemory(index * 1024, header.Layout.Length(index))), forger.Ref);

        Assert.Equal(new PayloadChunkAck(77, 0), (await forger.Next<PayloadChunkAck>(Patience)).Message);
        var rejection = (await forger.Next<PayloadRejected>(Patience)).Message;
        Assert.Contains("checksum", rejection.Reason);
        var logged = (await errors.Next<Error>(Patience, e => e.Message.ToString()!.Contains("transfer 77"))).Message.ToString();
        Assert.Contains("from [akka.tcp://attnrnn@127.0.0.1:", logged);
        Assert.Contains("/user/forger", logged);
        Assert.Empty(recipient.Drain());
    }

    [Fact]
    public async Task A_stalled_transfer_is_dropped_and_logged_with_its_sender()
    {
        var errors = TestNodes.RecordErrors(nodes.ImpatientNode, "stalled-errors");
        var recipient = new Recorder(nodes.ImpatientNode, "stalled-recipient");
        var quitter = new Recorder(nodes.Sender, "quitter");
        var payload = new byte[1500];
        var remoteRecipient = TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.ImpatientNode);
        var header = new PayloadHeader(78, 1024, payload.Length, Crc32C.Compute(payload), ProtocolSerializer.SerializerId, "tf", remoteRecipient, null);

        ReceiverOf(nodes.ImpatientNode).Tell(new PayloadChunk(header, 0, payload.AsMemory(0, 1024)), quitter.Ref);

        await quitter.Next<PayloadChunkAck>(Patience);
        var logged = (await errors.Next<Error>(Patience, e => e.Message.ToString()!.Contains("transfer 78"))).Message.ToString();
        Assert.Contains("/user/quitter", logged);
        Assert.Contains("stalled after 1 chunks", logged);
        Assert.Empty(recipient.Drain());
    }

    [Fact]
    public async Task A_sender_whose_chunks_are_never_acknowledged_abandons_the_transfer_and_says_so()
    {
        var errors = TestNodes.RecordErrors(nodes.ImpatientNode, "abandon-errors");
        var unreachable = nodes.WithoutTransport.ActorOf(Props.Empty, "never-receives");
        var target = TestNodes.RemoteRef(nodes.ImpatientNode, unreachable, nodes.WithoutTransport);

        PayloadTransport.Get(nodes.ImpatientNode).Tell(target, new WeightsUpdate(1, SampleMessages.Parameters(Floats(2_000))), ActorRefs.NoSender);

        var logged = (await errors.Next<Error>(Patience, e => e.Message.ToString()!.Contains("never-receives"))).Message.ToString();
        Assert.Contains("Abandoned transfer", logged);
        Assert.Contains("0 chunks acknowledged", logged);
    }

    private IActorRef Remote(Recorder recorder) => TestNodes.RemoteRef(nodes.Sender, recorder.Ref, nodes.Receiver);

    private IActorRef ReceiverOf(ActorSystem system) =>
        TestNodes.RemoteRef(nodes.Sender, PayloadTransport.Get(system).Receiver, system);

    private static float[] Floats(int count) => [.. Enumerable.Range(0, count).Select(i => MathF.Sin(i) * (i % 13))];
}
