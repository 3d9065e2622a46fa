namespace AttnRnnCluster.Transport.Security;

/// <summary>A TLS certificate file that cannot be used, with the file and exactly what is wrong (never the password).</summary>
public sealed class TlsCertificateException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}
