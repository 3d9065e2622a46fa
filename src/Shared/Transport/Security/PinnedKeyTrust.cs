using System.Security.Cryptography.X509Certificates;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// Join-token mode: a peer is accepted when its certificate holds exactly the public key this node derived from
/// the join token (<see cref="JoinTokenIdentity"/>). The certificate's other contents (subject, dates, issuer) carry
/// no trust: only a holder of the token can have the private key, and TLS makes the peer prove it holds that key.
/// </summary>
public sealed class PinnedKeyTrust(byte[] subjectPublicKeyInfo) : IPeerTrust
{
    private readonly byte[] _pinned = [.. subjectPublicKeyInfo];

    public string? Problem(X509Certificate2 certificate) =>
        certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(_pinned)
            ? null
            : "its key is not the one derived from this cluster's join token (a node without the token, or with another token)";
}
