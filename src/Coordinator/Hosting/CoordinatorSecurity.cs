using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Transport.Security;
using Serilog;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>
/// How a cluster coordinator secures its connections, decided before the run starts: PKI mode (--tls-cert), no
/// security (--insecure, said explicitly), or by default the join token: the one given (--join-token-file or
/// ATTNRNN_JOIN_TOKEN) or a fresh random one, which the run folder keeps for the workers.
/// </summary>
public sealed class CoordinatorSecurity
{
    private CoordinatorSecurity(ClusterTls? tls, JoinToken? token)
    {
        Tls = tls;
        Token = token;
    }

    /// <summary>Null with --insecure only.</summary>
    public ClusterTls? Tls { get; }

    /// <summary>The join token in join-token mode; null in PKI mode and with --insecure.</summary>
    public JoinToken? Token { get; }

    /// <summary>Reads and checks what the options give, or makes a token.</summary>
    /// <exception cref="TlsCertificateException">The certificate cannot be used.</exception>
    /// <exception cref="JoinTokenException">The given join token cannot be used.</exception>
    public static CoordinatorSecurity Prepare(TlsOptions options)
    {
        if (options.Insecure) return new(null, null);
        if (options.Enabled) return new(options.Load(CertificateRole.Coordinator), null);
        var token = options.ReadJoinToken() ?? JoinToken.Generate();
        return new(ClusterTls.FromJoinToken(token), token);
    }

    /// <summary>
    /// Says how this cluster is secured, and in join-token mode writes the token to <c>RUN_FOLDER/join-token</c>
    /// (readable by its owner only). Returns the options workers need besides --seed-nodes; the token itself
    /// appears in no log line and no command line.
    /// </summary>
    public string Announce(string runFolder)
    {
        if (Tls is null)
        {
            Log.Warning("--insecure: connections between nodes are neither authenticated nor encrypted; anyone who can reach this node's ports can join the cluster and take part in training");
            return "--insecure";
        }
        if (Token is null)
            return "--tls-cert NODE.pfx --tls-password-file FILE";
        string path = Path.GetFullPath(Path.Combine(runFolder, JoinToken.FileName));
        File.Delete(path);
        Token.WriteFile(path);
        Log.Information("The cluster's join token is in {TokenFile:l} (readable by its owner only): give it to each worker as --join-token-file FILE " +
                        "(a copy of that file), or in the environment variable ATTNRNN_JOIN_TOKEN", path);
        return $"--join-token-file {path}";
    }
}
