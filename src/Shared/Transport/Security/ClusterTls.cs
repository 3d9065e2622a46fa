using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// Mutual TLS for all cluster traffic (Akka.Remote's DotNetty transport, the bulk channel, the message lanes), with
/// peers trusted by a certificate authority (PKI mode) or by the key derived from the join token (join-token mode). Akka reads certificates from HOCON
/// but checks peers only against the machine's trust store; a private CA would have to be installed system-wide.
/// So the certificate and the check travel in code instead, as a DotNettySslSetup built by the actor system's
/// built by <see cref="CreateSystem"/>.
/// Without the setup, Akka looks for a certificate path in HOCON, finds none and refuses to start: it fails closed.
/// </summary>
public sealed class ClusterTls
{
    /// <summary>The protocol of actor addresses when TLS is on: akka.ssl.tcp://attnrnn@HOST:PORT instead of akka.tcp://.</summary>
    public const string AddressProtocol = "akka.ssl.tcp";

    /// <summary>
    /// Turns TLS on in the transport. The certificate, its password and the peer check are deliberately absent:
    /// they come in the DotNettySslSetup, which Akka then prefers to the whole akka.remote.dot-netty.tcp.ssl section.
    /// </summary>
    public const string Hocon = "akka.remote.dot-netty.tcp.enable-ssl = true";

    private readonly IPeerTrust _trust;

    private ClusterTls(X509Certificate2 certificate, IPeerTrust trust, string mode, string? role)
    {
        Certificate = certificate;
        _trust = trust;
        Mode = mode;
        Role = role;
    }

    /// <summary>PKI mode: the role this node's certificate states (<see cref="CertificateRole"/>); null in join-token mode, where every holder of the token is equal.</summary>
    public string? Role { get; }

    /// <summary>This node's certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate(s) that peers' certificates must come from; none in join-token mode.</summary>
    public IReadOnlyList<X509Certificate2> TrustedAuthorities => _trust is CertificateAuthorityTrust authority ? authority.Roots : [];

    /// <summary>How peers are authenticated, in words for the log: "mutual TLS" (a CA), or "the join token".</summary>
    public string Mode { get; }

    /// <summary>PKI mode: the node's certificate (PKCS#12 with its key) and the CA it names, checked up front.</summary>
    /// <exception cref="TlsCertificateException">The certificate file cannot be used; the message says why.</exception>
    public static ClusterTls Load(string certificateFile, string? password)
    {
        var node = NodeCertificate.Load(certificateFile, password);
        return new(node.Certificate, node.Trust, "mutual TLS", node.Role);
    }

    /// <summary>
    /// Join-token mode: every node derives the same key and certificate from the token, and accepts only peers that
    /// present that key (<see cref="JoinTokenIdentity"/>, <see cref="PinnedKeyTrust"/>).
    /// </summary>
    public static ClusterTls FromJoinToken(JoinToken token) =>
        new(JoinTokenIdentity.Certificate(token), new PinnedKeyTrust(JoinTokenIdentity.PublicKeyInfo(token)), "mutual TLS keyed by the join token", null);

    /// <summary>
    /// Creates an actor system, with mutual TLS when <paramref name="tls"/> is given: the transport is switched to
    /// TLS in config, and the certificate and peer check are passed as a DotNettySslSetup (mutual authentication on,
    /// host names not checked: the CA is the boundary), and to the bulk channel as a <see cref="BulkChannelTlsSetup"/>.
    /// </summary>
    public static ActorSystem CreateSystem(string name, Config config, ClusterTls? tls)
    {
        if (tls is null) return ActorSystem.Create(name, config);
        var bootstrap = BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(Hocon).WithFallback(config));
        var setup = bootstrap.And(new DotNettySslSetup(tls.Certificate, suppressValidation: false,
            requireMutualAuthentication: true, validateCertificateHostname: false, tls.ValidatePeer))
            .And(new BulkChannelTlsSetup(tls));
        return ActorSystem.Create(name, setup);
    }

    /// <summary>A seed node address in the protocol the transport speaks: akka.ssl.tcp:// with TLS, akka.tcp:// without.</summary>
    public static string SeedAddress(string seed, bool tlsOn)
    {
        const string plain = "akka.tcp://", secure = AddressProtocol + "://";
        if (tlsOn && seed.StartsWith(plain, StringComparison.Ordinal)) return secure + seed[plain.Length..];
        if (!tlsOn && seed.StartsWith(secure, StringComparison.Ordinal)) return plain + seed[secure.Length..];
        return seed;
    }

    /// <summary>The peer check for the handshake in both directions: Akka.Remote's CertificateValidationCallback.</summary>
    public bool ValidatePeer(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log) =>
        PeerValidation.Validate(_trust, certificate, remotePeer, log);
}
