using System.Reflection;

namespace AttnRnnCluster.Model.Tests.Data;

/// <summary>
/// A fact that needs a file from ../shared/data (next to the repository root). A user's clone has no ../shared,
/// so there the test is reported as skipped, with the path it looked for.
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string fileName)
    {
        string path = SharedData.PathOf(fileName);
        if (!File.Exists(path)) Skip = $"{path} is absent (no ../shared next to the repository)";
    }
}

public static class SharedData
{
    private static readonly string RepoRoot = typeof(SharedData).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepoRoot").Value!;

    public static string PathOf(string fileName) => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", fileName));
}
