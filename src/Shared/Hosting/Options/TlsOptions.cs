using System.Text;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// Mutual TLS for all cluster traffic. The certificate's password is read from a file or the environment,
/// never the command line (any user of the machine can list a process's arguments); it is never printed.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>This node's certificate with its private key (PKCS#12, .pfx); null = no TLS.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>A file whose first line is the certificate's password.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>The password given in ATTNRNN_TLS_PASSWORD (or the config file).</summary>
    public string? Password { get; init; }

    public bool Enabled => CertificateFile is not null;

    /// <summary>The certificate's password from whichever of the two places holds it; null when there is none.</summary>
    public string? ReadPassword() =>
        PasswordFile is null ? Password : File.ReadAllText(PasswordFile).Split('\n')[0].TrimEnd('\r');

    /// <summary>Null when TLS is off; otherwise this node's certificate, checked up front.</summary>
    /// <exception cref="TlsCertificateException">The certificate file cannot be used; the message says why.</exception>
    public ClusterTls? Load() => CertificateFile is { } path ? ClusterTls.Load(path, ReadPassword()) : null;

    public IEnumerable<string> Check(IOptionOrigins origins)
    {
        if (PasswordFile is not null && Password is not null)
            yield return $"{origins["tls-password-file"]} and {origins["tls-password"]} both give the TLS password: give one";
        if (!Enabled && (PasswordFile is not null || Password is not null))
            yield return $"{origins[PasswordFile is not null ? "tls-password-file" : "tls-password"]}: a TLS password without --tls-cert";
    }

    // The generated ToString would print the password into any log line that shows the options.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"CertificateFile = {CertificateFile}, PasswordFile = {PasswordFile}, Password = {(Password is null ? "null" : "***")}");
        return true;
    }
}
