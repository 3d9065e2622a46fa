using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// The TLS identity every node of a join-token cluster derives from the token: the same P-256 key pair on every
/// node (HKDF-SHA256 of the token gives the private scalar) and a self-signed certificate for it. Peers are pinned to
/// that public key (<see cref="PinnedKeyTrust"/>), so a handshake succeeds only between holders of the token, and
/// the token itself never travels: the certificate holds the public key only, and TLS proves the private key.
/// </summary>
public static class JoinTokenIdentity
{
    // Fixed, public labels: they make the derived key specific to this use of the token.
    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("AttnRnnCluster join token v1");
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("P-256 node key");

    /// <summary>The order of the P-256 group: a private scalar must lie in 1..n-1.</summary>
    private static readonly BigInteger P256Order = BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    public const string Subject = "CN=attnrnn join-token node";

    /// <summary>The node key derived from <paramref name="token"/>: the same token gives the same key on every node.</summary>
    public static ECDsa DeriveKey(JoinToken token)
    {
        byte[] secret = token.Secret;
        try
        {
            // A 48-byte HKDF output reduced mod (n-1), plus 1: uniform in 1..n-1 up to a bias of 2^-128.
            byte[] wide = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 48, Salt, Info);
            var scalar = new BigInteger(wide, isUnsigned: true, isBigEndian: true) % (P256Order - 1) + 1;
            CryptographicOperations.ZeroMemory(wide);
            byte[] d = new byte[32];
            scalar.TryWriteBytes(d.AsSpan(32 - scalar.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
            // OpenSSL computes the public point from D alone.
            var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
            CryptographicOperations.ZeroMemory(d);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The derived public key as the certificate carries it (DER SubjectPublicKeyInfo): what peers are pinned to.</summary>
    public static byte[] PublicKeyInfo(JoinToken token)
    {
        using var key = DeriveKey(token);
        return key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>
    /// A self-signed certificate for the derived key, usable by TLS as server and client. Its dates and serial
    /// differ between nodes and carry no trust; only the key counts.
    /// </summary>
    public static X509Certificate2 Certificate(JoinToken token)
    {
        using var key = DeriveKey(token);
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        // A PKCS#12 round trip gives a certificate whose key TLS (SslStream, DotNetty) can use on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
