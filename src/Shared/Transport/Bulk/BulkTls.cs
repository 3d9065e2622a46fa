using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The bulk channel's TLS: the node's own certificate on both ends, a client certificate required, and the same
/// peer check as the cluster's connections (<see cref="ClusterTls.ValidatePeer"/>: issued by the node's CA, valid
/// now, for both server and client use; host names not checked). Revocation is not checked, as there.
/// </summary>
internal static class BulkTls
{
    /// <summary>Blocking, like everything on the bulk server's connections (<see cref="BulkServer"/>).</summary>
    public static SslStream AuthenticateAsServer(Stream inner, ClusterTls tls, SslStreamCertificateContext certificate,
        string peer, ILoggingAdapter log)
    {
        var stream = new SslStream(inner, leaveInnerStreamOpen: false);
        stream.AuthenticateAsServer(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(tls, certificate, chain, peer, errors, log),
        });
        return stream;
    }

    public static async Task<SslStream> AuthenticateAsClient(Stream inner, ClusterTls tls, string host, ILoggingAdapter log, CancellationToken cancel)
    {
        var stream = new SslStream(inner, leaveInnerStreamOpen: false);
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificateContext = CertificateContext(tls),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(tls, certificate, chain, host, errors, log),
        }, cancel);
        return stream;
    }

    /// <summary>The node's certificate as TLS presents it (offline: the chain is never downloaded).</summary>
    public static SslStreamCertificateContext CertificateContext(ClusterTls tls) =>
        SslStreamCertificateContext.Create(tls.Certificate, additionalCertificates: null, offline: true);

    private static bool Validate(ClusterTls tls, X509Certificate? certificate, X509Chain? chain, string peer, SslPolicyErrors errors, ILoggingAdapter log) =>
        tls.ValidatePeer(certificate switch
        {
            null => null,
            X509Certificate2 full => full,
            _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
        }, chain, $"bulk channel peer {peer}", errors, log);
}
