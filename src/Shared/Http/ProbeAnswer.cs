namespace AttnRnnCluster.Http;

/// <summary>A probe's answer: whether the node is healthy (or ready), and in a few words why.</summary>
public sealed record ProbeAnswer(bool Ok, string Reason)
{
    public static ProbeAnswer Yes(string reason) => new(true, reason);

    public static ProbeAnswer No(string reason) => new(false, reason);
}
