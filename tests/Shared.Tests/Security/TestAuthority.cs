using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AttnRnnCluster.Shared.Tests.Security;

/// <summary>
/// A certificate authority made in-process, issuing node certificates shaped like deploy/tls/make-test-ca.sh's:
/// ECDSA P-256, both TLS server and client usage, written as password-protected .pfx files.
/// </summary>
public sealed class TestAuthority
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private TestAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA's certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA's certificate alone, as it goes into the nodes' files.</summary>
    public X509Certificate2 PublicCertificate => Public(Certificate);

    /// <summary>A certificate without its private key.</summary>
    public static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    public static TestAuthority Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new TestAuthority(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1)));
    }

    /// <summary>
    /// A node certificate with its private key, valid from a day ago for <paramref name="validFor"/> (a month by
    /// default). Its role (the subject's OU) is as make-test-ca.sh gives it: coordinator for a name starting with
    /// "coordinator", worker otherwise; or <paramref name="role"/> ("" for none).
    /// </summary>
    public X509Certificate2 Issue(string name, TimeSpan? validFor = null, DateTimeOffset? notBefore = null, bool clientUsage = true, string? role = null)
    {
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        role ??= name.StartsWith("coordinator", StringComparison.Ordinal) ? "coordinator" : "worker";
        var request = new CertificateRequest(role.Length > 0 ? $"CN={name}, OU={role}" : $"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            clientUsage ? [ServerAuthentication, ClientAuthentication] : [ServerAuthentication], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var issued = request.Create(Certificate, from, from + (validFor ?? TimeSpan.FromDays(30)), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A node's .pfx: its certificate and key plus, unless left out, this CA's certificate.</summary>
    public string WritePfx(string folder, string name, string? password, bool withAuthority = true) =>
        WritePfx(Path.Combine(folder, name + ".pfx"), password, withAuthority ? [Issue(name), PublicCertificate] : [Issue(name)]);

    public static string WritePfx(string path, string? password, params X509Certificate2[] certificates)
    {
        var collection = new X509Certificate2Collection(certificates);
        File.WriteAllBytes(path, collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password));
        return path;
    }
}
