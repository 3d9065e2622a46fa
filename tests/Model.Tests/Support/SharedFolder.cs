using System.Reflection;

namespace AttnRnnCluster.Model.Tests.Support;

/// <summary>../shared beside the repository (spec, PyTorch peer, data); absent on a user's clone.</summary>
internal static class SharedFolder
{
    public static string Path { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared"));

    public static string PeerModel => System.IO.Path.Combine(Path, "peer", "attn_rnn.py");

    private static string RepoRoot => typeof(SharedFolder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;
}
