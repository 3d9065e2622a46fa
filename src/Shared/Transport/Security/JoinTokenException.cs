namespace AttnRnnCluster.Transport.Security;

/// <summary>A join token that cannot be used, with where it came from and what is wrong (never the token itself).</summary>
public sealed class JoinTokenException(string source, string problem) : Exception($"{source}: {problem}")
{
    public string Origin { get; } = source;
    public string Problem { get; } = problem;
}
