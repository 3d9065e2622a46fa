using Akka.Actor;
using Akka.Remote.Transport.DotNetty;
using AttnRnnCluster.Shared.Tests.Configuration;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Security;

/// <summary>
/// Real actor systems on loopback. A refused node tries to join until the seed has refused its connection and the
/// node has seen its attempt fail; it must not have become a member. No assertion depends on speed.
/// </summary>
public sealed class MutualTlsClusterTests : IDisposable
{
    private const string Password = "test-password";
    // An outsider whose connection the seed drops mid-handshake waits for the association to time out before it
    // retries: the transport's connection timeout, 15 s by default.
    private const string ImpatientOutsider = "akka.remote.dot-netty.tcp.connection-timeout = 3s";

    private readonly TempFiles _files = new();
    private readonly TestAuthority _authority = TestAuthority.Create("AttnRnn Test CA");
    private readonly TestAuthority _rogueAuthority = TestAuthority.Create("Rogue CA");

    public void Dispose() => _files.Dispose();

    private ClusterTls Load(string pfx) =>
        ClusterTls.Load(pfx, Password);

    private async Task<TestClusterNode> StartSeed()
    {
        var seed = TestClusterNode.WithTls(Load(_authority.WritePfx(_files.Folder, "coordinator", Password)));
        seed.Cluster.Join(seed.Address);
        await seed.Until(() => seed.IsUpMember(seed.Address), "Up as the cluster's first member");
        return seed;
    }

    [Fact]
    public async Task Nodes_with_certificates_from_the_same_CA_form_a_cluster_over_TLS()
    {
        await using var seed = await StartSeed();
        await using var worker = TestClusterNode.WithTls(Load(_authority.WritePfx(_files.Folder, "worker", Password)));

        worker.Cluster.Join(seed.Address);
        await worker.Until(() => worker.IsUpMember(worker.Address) && worker.IsUpMember(seed.Address), "Up in the seed's cluster");
        await seed.Until(() => seed.IsUpMember(worker.Address), "seeing the worker Up");

        Assert.Equal(ClusterTls.AddressProtocol, seed.Address.Protocol);
        Assert.Equal(ClusterTls.AddressProtocol, worker.Address.Protocol);
        Assert.DoesNotContain(seed.Warnings, warning => warning.Contains("TLS", StringComparison.Ordinal));
    }

    [Fact]
    public void The_TLS_fragment_without_the_certificate_setup_fails_closed()
    {
        var error = Assert.ThrowsAny<Exception>(() => TestClusterNode.Start(ClusterTls.Hocon));

        Assert.Contains(Causes(error), cause => cause.Message.StartsWith("Path to SSL certificate was not found", StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Causes(Exception error) =>
        error is AggregateException aggregate
            ? aggregate.InnerExceptions.SelectMany(Causes).Prepend(error)
            : error.InnerException is { } inner ? Causes(inner).Prepend(error) : [error];

    [Fact]
    public async Task A_node_with_a_certificate_from_another_CA_cannot_join_even_if_it_trusts_everyone()
    {
        await using var seed = await StartSeed();
        // The attacker's best try: a well-formed certificate and key, and no checks of its own that could stop it.
        var rogueCertificate = Load(_rogueAuthority.WritePfx(_files.Folder, "rogue", Password)).Certificate;
        await using var rogue = TestClusterNode.Start($"{ClusterTls.Hocon}\n{ImpatientOutsider}",
            new DotNettySslSetup(rogueCertificate, suppressValidation: true, requireMutualAuthentication: true));

        await TestClusterNode.AssertCannotJoin(seed, rogue, seed.Address, "not issued by the trusted CA (CN=AttnRnn Test CA)");
    }

    [Fact]
    public async Task A_node_presenting_no_certificate_cannot_join()
    {
        await using var seed = await StartSeed();
        var anyCertificate = Load(_rogueAuthority.WritePfx(_files.Folder, "anonymous", Password)).Certificate;
        await using var anonymous = TestClusterNode.Start($"{ClusterTls.Hocon}\n{ImpatientOutsider}",
            new DotNettySslSetup(anyCertificate, suppressValidation: true, requireMutualAuthentication: false));

        await TestClusterNode.AssertCannotJoin(seed, anonymous, seed.Address, "did not provide a certificate");
    }

    [Fact]
    public async Task A_node_without_TLS_cannot_join()
    {
        await using var seed = await StartSeed();
        await using var plain = TestClusterNode.Start(ImpatientOutsider);
        var seedInPlainText = new Address("akka.tcp", seed.Address.System, seed.Address.Host, seed.Address.Port);

        await TestClusterNode.AssertCannotJoin(seed, plain, seedInPlainText, "due to TLS handshake failure");
    }
}
