using System.Security.Cryptography.X509Certificates;
using Akka.Event;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// A TLS handshake's peer check, in both directions (this node as client and as server), whatever the trust: the
/// peer must present a certificate the trust accepts. The chain and policy errors TLS computed are ignored: they
/// were computed against the machine's trust store and with a host name check, neither of which applies.
/// </summary>
public static class PeerValidation
{
    public static bool Validate(IPeerTrust trust, X509Certificate2? certificate, string remotePeer, ILoggingAdapter log)
    {
        if (certificate is null)
        {
            log.Warning("TLS: refused {0}: it presented no certificate", remotePeer);
            return false;
        }
        if (trust.Problem(certificate) is { } problem)
        {
            log.Warning("TLS: refused {0}: certificate {1} (thumbprint {2}): {3}", remotePeer, certificate.Subject, certificate.Thumbprint, problem);
            return false;
        }
        log.Debug("TLS: accepted {0}: certificate {1} (thumbprint {2})", remotePeer, certificate.Subject, certificate.Thumbprint);
        return true;
    }
}
