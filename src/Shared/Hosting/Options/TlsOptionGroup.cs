namespace AttnRnnCluster.Hosting.Options;

/// <summary>The options that fill a <see cref="TlsOptions"/>; the coordinator and the worker both have them.</summary>
public sealed class TlsOptionGroup
{
    public LayeredOption<string?> Certificate { get; } = new("tls-cert", OptionalKind.Path("FILE", PathRequirement.ExistingFile), null,
        "turn on mutual TLS with this node's certificate and key (.pfx); every node needs one");

    public LayeredOption<string?> PasswordFile { get; } = new("tls-password-file", OptionalKind.Path("FILE", PathRequirement.ExistingFile), null,
        "file whose first line is the --tls-cert password");

    public LayeredOption<string?> Password { get; } = new("tls-password", OptionalKind.Text("TEXT"), null,
        "the --tls-cert password; never on the command line", onCommandLine: false);

    public IReadOnlyList<LayeredOption> All => [Certificate, PasswordFile, Password];

    public TlsOptions Read(OptionValues values) => new()
    {
        CertificateFile = values.Get(Certificate),
        PasswordFile = values.Get(PasswordFile),
        Password = values.Get(Password),
    };
}
