using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// This node's TLS identity, from a PKCS#12 (.pfx) file holding the node's certificate, its private key and the
/// certificate of the CA that issued it. That CA is the one this node trusts: peers are accepted when their
/// certificate comes from the same CA and states a role this node accepts (<see cref="CertificateRole"/>), so one
/// file per node is all the configuration there is.
/// </summary>
public sealed class NodeCertificate
{
    private const string HowToMake = "see docs/tls.md (deploy/tls/make-test-ca.sh makes such files)";

    private NodeCertificate(X509Certificate2 certificate, CertificateAuthorityTrust trust, string role)
    {
        Certificate = certificate;
        Trust = trust;
        Role = role;
    }

    /// <summary>The role the certificate states (<see cref="CertificateRole"/>): what this node may act as.</summary>
    public string Role { get; }

    /// <summary>The node's own certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA(s) in the file: whom this node accepts as peers.</summary>
    public CertificateAuthorityTrust Trust { get; }

    /// <summary>
    /// Reads and checks the file up front, so that a node with an unusable certificate stops at start with a clear
    /// error instead of failing every handshake later.
    /// </summary>
    /// <exception cref="TlsCertificateException">The file is missing, not PKCS#12, locked with another password,
    /// without a private key or CA certificate, expired, or would be refused by its peers.</exception>
    public static NodeCertificate Load(string path, string? password)
    {
        if (!File.Exists(path))
            throw new TlsCertificateException(path, "no such file");
        byte[] content = File.ReadAllBytes(path);
        var certificates = ReadPkcs12(path, content, password);

        var keyed = certificates.Where(certificate => certificate.HasPrivateKey).ToList();
        if (keyed.Count == 0)
            throw new TlsCertificateException(path, $"holds no private key: the node's certificate must be stored with its key; {HowToMake}");
        if (keyed.Count > 1)
            throw new TlsCertificateException(path, $"holds {keyed.Count} certificates with private keys; expected exactly one, this node's");
        var own = keyed[0];
        CheckPrivateKeyUsable(path, own);
        CheckValidityPeriod(path, own);

        var authorities = certificates.Where(certificate => certificate != own && IsCertificateAuthority(certificate)).ToList();
        var roots = authorities.Where(IsSelfIssued).ToList();
        if (roots.Count == 0)
            throw new TlsCertificateException(path,
                $"holds no CA certificate: the file must also carry the certificate of the CA that issued {own.Subject} " +
                $"(openssl pkcs12 -export ... -certfile ca.crt); that CA decides which peers this node accepts; {HowToMake}");
        if (CertificateRole.Of(own) is not { } role)
            throw new TlsCertificateException(path, $"its certificate {own.Subject} states no role: a node certificate names "
                + $"{CertificateRole.Coordinator} or {CertificateRole.Worker} as the OU of its subject; {HowToMake}");
        var trust = new CertificateAuthorityTrust(roots, authorities.Except(roots), CertificateRole.AcceptedBy(role));
        if (trust.ChainProblem(own) is { } problem)
            throw new TlsCertificateException(path, $"its certificate {own.Subject} would be refused by its peers: {problem}");
        return new NodeCertificate(own, trust, role);
    }

    private static X509Certificate2Collection ReadPkcs12(string path, byte[] content, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12Collection(content, password);
        }
        catch (CryptographicException e)
        {
            string problem = ContentType(content) switch
            {
                X509ContentType.Pkcs12 when string.IsNullOrEmpty(password) =>
                    "cannot be opened without a password: give it in the file named by --tls-password-file, or in ATTNRNN_TLS_PASSWORD",
                X509ContentType.Pkcs12 => "cannot be opened with the given password (wrong password, or a damaged file)",
                X509ContentType.Cert or X509ContentType.Pkcs7 or X509ContentType.SerializedCert =>
                    $"is a certificate without its private key; expected a PKCS#12 (.pfx) file with the node's certificate, key and CA certificate; {HowToMake}",
                _ => $"is not a PKCS#12 (.pfx) file; {HowToMake}",
            };
            throw new TlsCertificateException(path, problem, e);
        }
    }

    private static X509ContentType ContentType(byte[] content)
    {
        try
        {
            return X509Certificate2.GetCertContentType(content);
        }
        catch (CryptographicException)
        {
            return X509ContentType.Unknown;
        }
    }

    private static void CheckPrivateKeyUsable(string path, X509Certificate2 certificate)
    {
        try
        {
            using var rsa = certificate.GetRSAPrivateKey();
            using var ecdsa = certificate.GetECDsaPrivateKey();
            if (rsa is null && ecdsa is null)
                throw new TlsCertificateException(path, $"the private key of {certificate.Subject} is neither RSA nor ECDSA, the kinds TLS here supports");
        }
        catch (CryptographicException e)
        {
            throw new TlsCertificateException(path, $"the private key of {certificate.Subject} cannot be read: {e.Message}", e);
        }
    }

    private static void CheckValidityPeriod(string path, X509Certificate2 certificate)
    {
        var now = DateTime.Now;
        if (certificate.NotAfter < now)
            throw new TlsCertificateException(path, $"the certificate {certificate.Subject} expired on {certificate.NotAfter.ToUniversalTime():u}");
        if (certificate.NotBefore > now)
            throw new TlsCertificateException(path, $"the certificate {certificate.Subject} is not valid before {certificate.NotBefore.ToUniversalTime():u}");
    }

    private static bool IsCertificateAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(constraints => constraints.CertificateAuthority);

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}
