using System.Text;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// How a cluster node authenticates its peers and encrypts its connections: the join token (the default), a
/// certificate from a CA (PKI mode, --tls-cert), or nothing at all (--insecure, said explicitly). Secrets (the token,
/// the certificate's password) are read from a file or the environment, never the command line (any user of the
/// machine can list a process's arguments), and never printed.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>A file holding the join token.</summary>
    public string? JoinTokenFile { get; init; }

    /// <summary>The join token given in ATTNRNN_JOIN_TOKEN (or the config file).</summary>
    public string? JoinToken { get; init; }

    /// <summary>No authentication, no encryption: given explicitly, warned about at start.</summary>
    public bool Insecure { get; init; }

    /// <summary>This node's certificate with its private key (PKCS#12, .pfx); null = not PKI mode.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>A file whose first line is the certificate's password.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>The password given in ATTNRNN_TLS_PASSWORD (or the config file).</summary>
    public string? Password { get; init; }

    /// <summary>PKI mode: a certificate from a CA.</summary>
    public bool Enabled => CertificateFile is not null;

    /// <summary>A join token was given (a file or the environment).</summary>
    public bool HasJoinToken => JoinTokenFile is not null || JoinToken is not null;

    /// <summary>The certificate's password from whichever of the two places holds it; null when there is none.</summary>
    public string? ReadPassword() =>
        PasswordFile is null ? Password : File.ReadAllText(PasswordFile).Split('\n')[0].TrimEnd('\r');

    /// <summary>The join token given, read and checked; null when none was given.</summary>
    /// <exception cref="JoinTokenException">The file cannot be read or the token is unusable; the message says why (never the token).</exception>
    public JoinToken? ReadJoinToken() =>
        JoinTokenFile is { } file ? Transport.Security.JoinToken.ReadFile(file)
        : JoinToken is { } text ? Transport.Security.JoinToken.Parse(text, "ATTNRNN_JOIN_TOKEN")
        : null;

    /// <summary>
    /// This node's TLS: PKI mode from the certificate, which must state <paramref name="role"/>; join-token mode from
    /// the given token; or null (neither given).
    /// </summary>
    /// <param name="role">What this process runs as: <see cref="CertificateRole.Coordinator"/> or <see cref="CertificateRole.Worker"/>.</param>
    /// <exception cref="TlsCertificateException">The certificate file cannot be used (or is another role's); the message says why.</exception>
    /// <exception cref="JoinTokenException">The join token cannot be used; the message says why.</exception>
    public ClusterTls? Load(string role)
    {
        if (CertificateFile is { } path)
        {
            var tls = ClusterTls.Load(path, ReadPassword());
            if (tls.Role != role)
                throw new TlsCertificateException(path, $"its certificate {tls.Certificate.Subject} is a {tls.Role}'s, and this node runs as the {role}: "
                    + $"a {role} needs a certificate with OU={role} in its subject (deploy/tls/make-test-ca.sh issues both kinds)");
            return tls;
        }
        return ReadJoinToken() is { } token ? ClusterTls.FromJoinToken(token) : null;
    }

    public IEnumerable<string> Check(IOptionOrigins origins)
    {
        if (PasswordFile is not null && Password is not null)
            yield return $"{origins["tls-password-file"]} and {origins["tls-password"]} both give the TLS password: give one";
        if (!Enabled && (PasswordFile is not null || Password is not null))
            yield return $"{origins[PasswordFile is not null ? "tls-password-file" : "tls-password"]}: a TLS password without --tls-cert";
        if (JoinTokenFile is not null && JoinToken is not null)
            yield return $"{origins["join-token-file"]} and {origins["join-token"]} both give the join token: give one";
        string? token = JoinTokenFile is not null ? origins["join-token-file"] : JoinToken is not null ? origins["join-token"] : null;
        if (Enabled && token is not null)
            yield return $"{origins["tls-cert"]} and {token}: a node uses either a certificate (PKI mode) or the join token, not both";
        if (Insecure && (Enabled || token is not null))
            yield return $"{origins["insecure"]} and {(Enabled ? origins["tls-cert"] : token)}: --insecure turns authentication off; give one or the other";
    }

    // The generated ToString would print the secrets into any log line that shows the options.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"JoinTokenFile = {JoinTokenFile}, JoinToken = {(JoinToken is null ? "null" : "***")}, Insecure = {Insecure}, ");
        builder.Append($"CertificateFile = {CertificateFile}, PasswordFile = {PasswordFile}, Password = {(Password is null ? "null" : "***")}");
        return true;
    }
}
