using System.Security.Cryptography.X509Certificates;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// Which peers a node accepts in a TLS handshake, by the certificate they present: one issued by a certificate
/// authority for the right role (<see cref="CertificateAuthorityTrust"/>), or one holding the key every node derives
/// from the cluster's join token (<see cref="PinnedKeyTrust"/>).
/// </summary>
public interface IPeerTrust
{
    /// <summary>Null when a peer presenting <paramref name="certificate"/> is accepted, otherwise why it is refused.</summary>
    string? Problem(X509Certificate2 certificate);
}
