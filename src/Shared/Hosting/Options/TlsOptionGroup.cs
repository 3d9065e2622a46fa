namespace AttnRnnCluster.Hosting.Options;

/// <summary>The options that fill a <see cref="TlsOptions"/>; the coordinator and the worker both have them.</summary>
public sealed class TlsOptionGroup
{
    public LayeredOption<string?> JoinTokenFile { get; } = new("join-token-file", OptionalKind.Path("FILE", PathRequirement.ExistingFile), null,
        "file holding the cluster's join token (the coordinator's <run folder>/join-token); every node needs it");

    public LayeredOption<string?> JoinToken { get; } = new("join-token", new OptionalKind<string>(new JoinTokenKind()), null,
        "the cluster's join token; never on the command line", onCommandLine: false);

    public LayeredOption<bool> Insecure { get; } = new("insecure", ChoiceKind.OnOff, false,
        "no authentication and no encryption between nodes: anyone who reaches a port can join (trusted networks only); a bare --insecure means on")
    {
        ValueWhenBare = "on",
    };

    public LayeredOption<string?> Certificate { get; } = new("tls-cert", OptionalKind.Path("FILE", PathRequirement.ExistingFile), null,
        "PKI mode instead of the join token: mutual TLS with this node's certificate and key (.pfx); every node needs one");

    public LayeredOption<string?> PasswordFile { get; } = new("tls-password-file", OptionalKind.Path("FILE", PathRequirement.ExistingFile), null,
        "file whose first line is the --tls-cert password");

    public LayeredOption<string?> Password { get; } = new("tls-password", OptionalKind.Text("TEXT"), null,
        "the --tls-cert password; never on the command line", onCommandLine: false);

    public IReadOnlyList<LayeredOption> All => [JoinTokenFile, JoinToken, Insecure, Certificate, PasswordFile, Password];

    public TlsOptions Read(OptionValues values) => new()
    {
        JoinTokenFile = values.Get(JoinTokenFile),
        JoinToken = values.Get(JoinToken),
        Insecure = values.Get(Insecure),
        CertificateFile = values.Get(Certificate),
        PasswordFile = values.Get(PasswordFile),
        Password = values.Get(Password),
    };
}
