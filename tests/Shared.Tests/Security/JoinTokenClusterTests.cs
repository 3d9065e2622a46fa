using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Shared.Tests.Transport;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Security;

/// <summary>
/// Join-token mode between real actor systems on loopback: nodes with the token form a cluster over TLS; a node with
/// another token, or without TLS, completes no handshake: it joins nothing, and the bulk channel (which also carries
/// the message lanes) gives it nothing. No assertion depends on speed.
/// </summary>
public sealed class JoinTokenClusterTests
{
    private const string ImpatientOutsider = "akka.remote.dot-netty.tcp.connection-timeout = 3s";

    private const string Token = "Zq3v8K1mN0pX7rT2wY5uB9cD4fG6hJ_aLsE-oIiVk0";

    private static readonly ClusterTls Cluster = ClusterTls.FromJoinToken(JoinToken.Parse(Token, "test"));
    private static readonly ClusterTls OtherCluster = ClusterTls.FromJoinToken(JoinToken.Generate());

    private static async Task<TestClusterNode> StartSeed()
    {
        var seed = TestClusterNode.WithTls(Cluster);
        seed.Cluster.Join(seed.Address);
        await seed.Until(() => seed.IsUpMember(seed.Address), "Up as the cluster's first member");
        return seed;
    }

    [Fact]
    public async Task Nodes_with_the_same_token_form_a_cluster_over_TLS()
    {
        await using var seed = await StartSeed();
        // Another node derives its identity from the token on its own, as a worker process does.
        await using var worker = TestClusterNode.WithTls(ClusterTls.FromJoinToken(JoinToken.Parse(Token, "test")));

        worker.Cluster.Join(seed.Address);
        await worker.Until(() => worker.IsUpMember(worker.Address) && worker.IsUpMember(seed.Address), "Up in the seed's cluster");

        Assert.Equal(ClusterTls.AddressProtocol, worker.Address.Protocol);
        Assert.DoesNotContain(seed.Warnings, warning => warning.Contains("TLS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_with_another_token_cannot_join_even_if_it_trusts_everyone()
    {
        await using var seed = await StartSeed();
        await using var outsider = TestClusterNode.Start($"{ClusterTls.Hocon}\n{ImpatientOutsider}",
            new DotNettySslSetup(OtherCluster.Certificate, suppressValidation: true, requireMutualAuthentication: true));

        await TestClusterNode.AssertCannotJoin(seed, outsider, seed.Address, "its key is not the one derived from this cluster's join token");
    }

    [Fact]
    public async Task A_node_without_TLS_cannot_join()
    {
        await using var seed = await StartSeed();
        await using var plain = TestClusterNode.Start(ImpatientOutsider);

        await TestClusterNode.AssertCannotJoin(seed, plain, new Address("akka.tcp", seed.Address.System, seed.Address.Host, seed.Address.Port),
            "due to TLS handshake failure");
    }

    [Fact]
    public async Task The_bulk_channel_serves_only_a_holder_of_the_token()
    {
        var log = NoLogger.Instance;
        using var server = BulkServer.Start(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), Cluster, BulkChannelFixture.Settings, log);
        byte[] payload = [.. Enumerable.Range(0, 10_000).Select(i => (byte)i)];
        var header = new PayloadHeader(2_000_001, 4096, payload.Length, Crc32C.Compute(payload), ProtocolSerializer.SerializerId, "wu", ActorRefs.Nobody, null);
        var offer = new PayloadOffer(header, "127.0.0.1", server.Port, server.Offer(header.TransferId, BulkServerTests.Unpooled(payload), ActorRefs.Nobody));

        await Assert.ThrowsAsync<BulkFetchException>(() => BulkClient.Fetch(offer, OtherCluster, BulkChannelFixture.Settings, BulkServerTests.NoBuffers, log, default));
        await Assert.ThrowsAsync<BulkFetchException>(() => BulkClient.Fetch(offer, null, BulkChannelFixture.Settings, BulkServerTests.NoBuffers, log, default));

        Assert.Equal(payload, await BulkClient.Fetch(offer, Cluster, BulkChannelFixture.Settings, BulkServerTests.NoBuffers, log, default));
    }
}
