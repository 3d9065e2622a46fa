using System.Net.Security;
using Akka.Configuration;
using Akka.Event;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Shared.Tests.Configuration;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Shared.Tests.Security;

public sealed class NodeCertificateTests : IDisposable
{
    private const string Password = "correct horse battery staple";

    private readonly TempFiles _files = new();
    private readonly TestAuthority _authority = TestAuthority.Create("AttnRnn Test CA");

    public void Dispose() => _files.Dispose();

    private string Pfx(string name, params System.Security.Cryptography.X509Certificates.X509Certificate2[] content) =>
        TestAuthority.WritePfx(Path.Combine(_files.Folder, name), Password, content);

    private static string Problem(string path, string? password = Password) =>
        Assert.Throws<TlsCertificateException>(() => NodeCertificate.Load(path, password)).Message;

    [Fact]
    public void A_node_file_gives_its_certificate_with_key_and_trusts_the_CA_it_carries()
    {
        string passwordFile = _files.Write("password", Password + "\n");
        var options = new TlsOptions { CertificateFile = _authority.WritePfx(_files.Folder, "worker-1", Password), PasswordFile = passwordFile };

        var tls = options.Load(CertificateRole.Worker)!;

        Assert.Equal("CN=worker-1, OU=worker", tls.Certificate.Subject);
        Assert.Equal(CertificateRole.Worker, tls.Role);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Equal(_authority.Certificate.Thumbprint, Assert.Single(tls.TrustedAuthorities).Thumbprint);
    }

    [Fact]
    public void Tls_off_means_no_TLS_and_the_fragment_turns_the_transport_to_TLS()
    {
        Assert.Null(new TlsOptions().Load(CertificateRole.Worker));
        Assert.True(ConfigurationFactory.ParseString(ClusterTls.Hocon).GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(_files.Folder, "absent.pfx");

        Assert.Equal($"{path}: no such file", Problem(path));
    }

    [Fact]
    public void A_wrong_password_is_reported_without_echoing_either_password()
    {
        string path = _authority.WritePfx(_files.Folder, "node", Password);

        string problem = Problem(path, "hunter2");

        Assert.Equal($"{path}: cannot be opened with the given password (wrong password, or a damaged file)", problem);
        Assert.DoesNotContain("hunter2", problem);
        Assert.DoesNotContain(Password, problem);
    }

    [Fact]
    public void A_missing_password_says_where_to_give_it()
    {
        string path = _authority.WritePfx(_files.Folder, "node", Password);

        Assert.Equal($"{path}: cannot be opened without a password: give it in the file named by --tls-password-file, or in ATTNRNN_TLS_PASSWORD",
            Problem(path, password: null));
    }

    [Fact]
    public void Files_that_are_not_PKCS12_are_told_apart()
    {
        string text = _files.Write("notes.pfx", "not a certificate at all");
        string certificateOnly = Path.Combine(_files.Folder, "node.crt");
        File.WriteAllBytes(certificateOnly, _authority.Issue("node").RawData);

        Assert.StartsWith($"{text}: is not a PKCS#12 (.pfx) file", Problem(text));
        Assert.StartsWith($"{certificateOnly}: is a certificate without its private key; expected a PKCS#12 (.pfx) file", Problem(certificateOnly));
    }

    [Fact]
    public void A_file_without_the_private_key_is_refused()
    {
        string path = Pfx("public.pfx", _authority.PublicCertificate, TestAuthority.Public(_authority.Issue("node")));

        Assert.StartsWith($"{path}: holds no private key", Problem(path));
    }

    [Fact]
    public void A_file_without_the_CA_certificate_is_refused()
    {
        string path = _authority.WritePfx(_files.Folder, "node", Password, withAuthority: false);

        Assert.StartsWith($"{path}: holds no CA certificate: the file must also carry the certificate of the CA that issued CN=node, OU=worker", Problem(path));
    }

    [Fact]
    public void An_expired_or_not_yet_valid_certificate_is_refused_with_its_dates()
    {
        var expiredCertificate = _authority.Issue("old", TimeSpan.FromDays(2), notBefore: DateTimeOffset.UtcNow.AddDays(-10));
        var futureCertificate = _authority.Issue("early", notBefore: DateTimeOffset.UtcNow.AddDays(3));
        string expired = Pfx("old.pfx", expiredCertificate, _authority.PublicCertificate);
        string future = Pfx("early.pfx", futureCertificate, _authority.PublicCertificate);

        Assert.Equal($"{expired}: the certificate CN=old, OU=worker expired on {expiredCertificate.NotAfter.ToUniversalTime():u}", Problem(expired));
        Assert.Equal($"{future}: the certificate CN=early, OU=worker is not valid before {futureCertificate.NotBefore.ToUniversalTime():u}", Problem(future));
    }

    [Fact]
    public void A_certificate_its_peers_would_refuse_is_refused_at_start()
    {
        var rogue = TestAuthority.Create("Rogue CA");
        string foreign = Pfx("foreign.pfx", rogue.Issue("node"), _authority.PublicCertificate);
        string serverOnly = Pfx("server-only.pfx", _authority.Issue("node", clientUsage: false), _authority.PublicCertificate);

        Assert.Equal($"{foreign}: its certificate CN=node, OU=worker would be refused by its peers: not issued by the trusted CA (CN=AttnRnn Test CA)",
            Problem(foreign));
        Assert.Equal($"{serverOnly}: its certificate CN=node, OU=worker would be refused by its peers: " +
            "not valid for both TLS server and TLS client authentication (extended key usages serverAuth and clientAuth)", Problem(serverOnly));
    }

    [Fact]
    public void Peers_are_accepted_only_with_a_current_certificate_from_the_CA()
    {
        var trust = NodeCertificate.Load(_authority.WritePfx(_files.Folder, "coordinator", Password), Password).Trust;
        var expired = _authority.Issue("expired-peer", TimeSpan.FromDays(1), notBefore: DateTimeOffset.UtcNow.AddDays(-3));

        Assert.True(trust.ValidatePeer(_authority.Issue("worker"), null, "peer", SslPolicyErrors.RemoteCertificateChainErrors, NoLogger.Instance));
        Assert.False(trust.ValidatePeer(TestAuthority.Create("Rogue CA").Issue("worker"), null, "peer", SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(trust.ValidatePeer(expired, null, "peer", SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(trust.ValidatePeer(null, null, "peer", SslPolicyErrors.RemoteCertificateNotAvailable, NoLogger.Instance));
        Assert.StartsWith("it or its CA's certificate is outside its validity period", trust.Problem(expired));
    }

    [Fact]
    public void A_coordinator_accepts_only_workers_and_a_worker_both_and_a_certificate_without_a_role_nobody()
    {
        var coordinator = NodeCertificate.Load(_authority.WritePfx(_files.Folder, "coordinator", Password), Password);
        var worker = NodeCertificate.Load(_authority.WritePfx(_files.Folder, "worker", Password), Password);
        var otherCoordinator = _authority.Issue("coordinator-2");
        var otherWorker = _authority.Issue("worker-2");
        var roleless = _authority.Issue("node", role: "");

        Assert.Equal((CertificateRole.Coordinator, CertificateRole.Worker), (coordinator.Role, worker.Role));
        Assert.Null(coordinator.Trust.Problem(otherWorker));
        Assert.Equal("it is a coordinator's certificate, and this node accepts only worker certificates as peers", coordinator.Trust.Problem(otherCoordinator));
        Assert.Null(worker.Trust.Problem(otherCoordinator));
        Assert.Null(worker.Trust.Problem(otherWorker));
        Assert.StartsWith("it states no role", worker.Trust.Problem(roleless));
        Assert.StartsWith("it states no role", coordinator.Trust.Problem(roleless));
    }

    [Fact]
    public void A_certificate_without_a_role_or_of_the_other_role_is_refused_at_start()
    {
        string roleless = Pfx("roleless.pfx", _authority.Issue("node", role: ""), _authority.PublicCertificate);
        string worker = _authority.WritePfx(_files.Folder, "worker", Password);

        Assert.StartsWith($"{roleless}: its certificate CN=node states no role", Problem(roleless));
        string error = Assert.Throws<TlsCertificateException>(() =>
            new TlsOptions { CertificateFile = worker, Password = Password }.Load(CertificateRole.Coordinator)).Message;
        Assert.Equal($"{worker}: its certificate CN=worker, OU=worker is a worker's, and this node runs as the coordinator: "
                     + "a coordinator needs a certificate with OU=coordinator in its subject (deploy/tls/make-test-ca.sh issues both kinds)", error);
    }
}
