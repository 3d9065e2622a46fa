using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// Which peers a node accepts: those whose certificate was issued by one of the given certificate authorities
/// (CA), is within its validity period and may serve as both TLS server and TLS client (every node is both). The
/// machine's trust store is never consulted: a certificate from a public CA is as foreign as one from any other.
/// </summary>
public sealed class CertificateAuthorityTrust : IPeerTrust
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2[] _roots;
    private readonly X509Certificate2[] _intermediates;
    private readonly IReadOnlySet<string> _acceptedRoles;

    /// <param name="roots">Self-signed CA certificates: the trust anchors.</param>
    /// <param name="intermediates">CA certificates between a root and the nodes' certificates, if any.</param>
    /// <param name="acceptedRoles">The roles (<see cref="CertificateRole"/>) a peer's certificate may state.</param>
    public CertificateAuthorityTrust(IEnumerable<X509Certificate2> roots, IEnumerable<X509Certificate2> intermediates, IReadOnlySet<string> acceptedRoles)
    {
        _roots = [.. roots];
        _intermediates = [.. intermediates];
        _acceptedRoles = acceptedRoles;
        if (_roots.Length == 0)
            throw new ArgumentException("at least one root CA certificate is needed", nameof(roots));
    }

    public IReadOnlyList<X509Certificate2> Roots => _roots;

    /// <summary>Null when a peer presenting <paramref name="certificate"/> is acceptable, otherwise what is wrong with it.</summary>
    public string? Problem(X509Certificate2 certificate) => ChainProblem(certificate) ?? RoleProblem(certificate);

    /// <summary>
    /// The role check: a certificate that states no role is refused, and so is one whose role this node does not
    /// accept (a coordinator accepts workers only, so a worker's certificate can never act as the coordinator).
    /// </summary>
    public string? RoleProblem(X509Certificate2 certificate) => CertificateRole.Of(certificate) switch
    {
        null => $"it states no role: a node certificate names {CertificateRole.Coordinator} or {CertificateRole.Worker} as the OU of its subject " +
                "(deploy/tls/make-test-ca.sh issues both kinds)",
        var role when !_acceptedRoles.Contains(role) =>
            $"it is a {role}'s certificate, and this node accepts only {string.Join(" and ", _acceptedRoles.Order())} certificates as peers",
        _ => null,
    };

    /// <summary>Null when <paramref name="certificate"/> comes from the CA, is valid now and for TLS both ways; otherwise what is wrong.</summary>
    public string? ChainProblem(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        // A private CA publishes no revocation lists; to revoke a node, replace the CA (docs/tls.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain.Build(certificate))
            return null;
        return string.Join("; ", chain.ChainStatus.Select(status => Describe(status, certificate)).Distinct());
    }

    /// <summary>Accepts or refuses a peer's certificate during a TLS handshake, and logs why it refuses (<see cref="PeerValidation"/>).</summary>
    public bool ValidatePeer(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log) =>
        PeerValidation.Validate(this, certificate, remotePeer, log);

    private string Describe(X509ChainStatus status, X509Certificate2 certificate) => status.Status switch
    {
        X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain =>
            $"not issued by the trusted CA ({string.Join(" or ", _roots.Select(root => root.Subject))})",
        X509ChainStatusFlags.NotValidForUsage =>
            "not valid for both TLS server and TLS client authentication (extended key usages serverAuth and clientAuth)",
        X509ChainStatusFlags.NotTimeValid =>
            $"it or its CA's certificate is outside its validity period (this one: {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u})",
        _ => status.StatusInformation.Trim() is { Length: > 0 } information ? information : status.Status.ToString(),
    };
}
