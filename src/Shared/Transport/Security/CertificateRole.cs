using System.Security.Cryptography.X509Certificates;

namespace AttnRnnCluster.Transport.Security;

/// <summary>
/// PKI mode: the role a node certificate states, as the organizational unit of its subject (OU=coordinator or
/// OU=worker; deploy/tls/make-test-ca.sh issues both). The CA vouches for it like for the rest of the subject, so a
/// worker's certificate can never pass for the coordinator's.
/// </summary>
public static class CertificateRole
{
    // The same words as the cluster roles (Protocol's ClusterRoles, which Transport may not reference).
    public const string Coordinator = "coordinator";
    public const string Worker = "worker";

    private const string OrganizationalUnit = "2.5.4.11";

    /// <summary>The role the certificate states; null when its subject has no OU that names one (or names several).</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        var roles = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(name => name.GetSingleElementType().Value == OrganizationalUnit)
            .Select(name => name.GetSingleElementValue())
            .Where(value => value is Coordinator or Worker)
            .Distinct()
            .ToList();
        return roles is [var role] ? role : null;
    }

    /// <summary>The roles a node of <paramref name="role"/> accepts as peers: a coordinator only workers (there is one coordinator); a worker both.</summary>
    public static IReadOnlySet<string> AcceptedBy(string role) =>
        role == Coordinator ? new HashSet<string> { Worker } : new HashSet<string> { Coordinator, Worker };
}
