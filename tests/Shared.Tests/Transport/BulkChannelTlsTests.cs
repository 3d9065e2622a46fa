using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Configuration;
using AttnRnnCluster.Shared.Tests.Security;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Remote nodes with mutual TLS on loopback, made as the executables make them (<see cref="ClusterTls.CreateSystem"/>),
/// plus one whose TLS was set up by hand without the bulk channel's setup. Certificates from a test CA and a rogue one.
/// </summary>
public sealed class BulkChannelTlsFixture : IAsyncLifetime
{
    private const string Password = "test-password";

    private readonly TempFiles _files = new();
    private readonly TestAuthority _authority = TestAuthority.Create("AttnRnn Test CA");

    public ClusterTls CoordinatorTls { get; private set; } = null!;
    public ClusterTls WorkerTls { get; private set; } = null!;
    public ClusterTls RogueTls { get; private set; } = null!;
    public ActorSystem Coordinator { get; private set; } = null!;
    public ActorSystem Worker { get; private set; } = null!;
    public ActorSystem WithoutBulkSetup { get; private set; } = null!;

    public Task InitializeAsync()
    {
        CoordinatorTls = Load(_authority.WritePfx(_files.Folder, "coordinator", Password));
        WorkerTls = Load(_authority.WritePfx(_files.Folder, "worker", Password));
        RogueTls = Load(TestAuthority.Create("Rogue CA").WritePfx(_files.Folder, "rogue", Password));
        var config = TestNodes.NodeConfig("remote", BulkChannelFixture.Settings);
        Coordinator = ClusterTls.CreateSystem("attnrnn", config, CoordinatorTls);
        Worker = ClusterTls.CreateSystem("attnrnn", config, WorkerTls);
        var bootstrap = BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(ClusterTls.Hocon).WithFallback(config));
        WithoutBulkSetup = ActorSystem.Create("attnrnn", bootstrap.And(new DotNettySslSetup(WorkerTls.Certificate, suppressValidation: false,
            requireMutualAuthentication: true, validateCertificateHostname: false, WorkerTls.ValidatePeer)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await TestNodes.StopAll([Coordinator, Worker, WithoutBulkSetup]);
        _files.Dispose();
    }

    private static ClusterTls Load(string pfx) => ClusterTls.Load(pfx, Password);
}

public sealed class BulkChannelTlsTests(BulkChannelTlsFixture nodes) : IClassFixture<BulkChannelTlsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_large_message_travels_the_bulk_channel_over_TLS()
    {
        var recipient = new Recorder(nodes.Worker, "tls-recipient");
        var update = new WeightsUpdate(21, SampleMessages.Parameters(SampleMessages.ScrambledFloats(1_000_000)));
        var fetched = PayloadTransport.Get(nodes.Worker).BulkCounters.Fetched;

        PayloadTransport.Get(nodes.Coordinator).Tell(TestNodes.RemoteRef(nodes.Coordinator, recipient.Ref, nodes.Worker), update, ActorRefs.NoSender);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recipient.Next<WeightsUpdate>(Patience)).Message));
        Assert.Equal(ClusterTls.AddressProtocol, TestNodes.AddressOf(nodes.Coordinator).Protocol);
        Assert.True(PayloadTransport.Get(nodes.Coordinator).BulkServer!.UsesTls);
        Assert.Equal(fetched + 1, PayloadTransport.Get(nodes.Worker).BulkCounters.Fetched);
    }

    [Fact]
    public async Task Small_messages_travel_a_message_lane_over_TLS_in_order()
    {
        var recipient = new Recorder(nodes.Worker, "tls-lane-recipient");
        var remote = TestNodes.RemoteRef(nodes.Coordinator, recipient.Ref, nodes.Worker);
        var received = PayloadTransport.Get(nodes.Worker).Lanes!.Counters.Received;

        for (var i = 0; i < 50; i++)
            PayloadTransport.Get(nodes.Coordinator).Tell(remote, new TrainingFinished($"message {i}"), ActorRefs.NoSender);

        for (var i = 0; i < 50; i++)
            Assert.Equal($"message {i}", (await recipient.Next<TrainingFinished>(Patience)).Message.Reason);
        Assert.Equal(received + 50, PayloadTransport.Get(nodes.Worker).Lanes!.Counters.Received);
        Assert.True(PayloadTransport.Get(nodes.Coordinator).Lanes!.IsOpenTo(TestNodes.AddressOf(nodes.Worker)));
    }

    [Fact]
    public async Task Only_a_client_with_a_certificate_from_the_cluster_CA_can_fetch()
    {
        var server = PayloadTransport.Get(nodes.Coordinator).BulkServer!;
        byte[] payload = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7))];
        var header = new PayloadHeader(1_000_001, 65536, payload.Length, Crc32C.Compute(payload), ProtocolSerializer.SerializerId, "wu", ActorRefs.Nobody, null);
        var offer = new PayloadOffer(header, "127.0.0.1", server.Port, server.Offer(header.TransferId, BulkServerTests.Unpooled(payload), ActorRefs.Nobody));

        var rogue = await Assert.ThrowsAsync<BulkFetchException>(() => Fetch(offer, nodes.RogueTls));
        var plain = await Assert.ThrowsAsync<BulkFetchException>(() => Fetch(offer, tls: null));

        Assert.Contains("the TLS handshake or the request failed", rogue.Message);
        Assert.Contains($"127.0.0.1:{server.Port} closed the connection without answering", plain.Message);
        Assert.Equal(payload, await Fetch(offer, nodes.WorkerTls));
    }

    [Fact]
    public async Task TLS_without_the_bulk_channel_setup_keeps_the_channel_off_and_messages_still_arrive_in_chunks()
    {
        var recipient = new Recorder(nodes.WithoutBulkSetup, "no-setup-recipient");
        var update = new WeightsUpdate(22, SampleMessages.Parameters(SampleMessages.ScrambledFloats(400_000)));
        var fellBack = PayloadTransport.Get(nodes.Coordinator).BulkCounters.FellBack;

        PayloadTransport.Get(nodes.Coordinator).Tell(TestNodes.RemoteRef(nodes.Coordinator, recipient.Ref, nodes.WithoutBulkSetup), update, ActorRefs.NoSender);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recipient.Next<WeightsUpdate>(Patience)).Message));
        Assert.Null(PayloadTransport.Get(nodes.WithoutBulkSetup).BulkServer);
        Assert.Null(PayloadTransport.Get(nodes.WithoutBulkSetup).Lanes);
        Assert.Equal(fellBack + 1, PayloadTransport.Get(nodes.Coordinator).BulkCounters.FellBack);
    }

    private Task<byte[]> Fetch(PayloadOffer offer, ClusterTls? tls) =>
        BulkClient.Fetch(offer, tls, BulkChannelFixture.Settings, BulkServerTests.NoBuffers, nodes.Coordinator.Log, default);
}
