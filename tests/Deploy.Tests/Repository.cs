using System.Reflection;

namespace AttnRnnCluster.Deploy.Tests;

/// <summary>Paths in the repository these tests were built from.</summary>
public static class Repository
{
    private static string Metadata(string key) => typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == key).Value!;

    public static string Root { get; } = Path.GetFullPath(Metadata("RepoRoot"));

    /// <summary>Where the build put both executables for this test run's configuration (Debug or Release).</summary>
    public static string AppFolder { get; } = PathOf("artifacts", "app", Metadata("Configuration"));

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string ReadText(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>Repository-relative paths of the files under a folder whose names end with one of the extensions.</summary>
    public static IReadOnlyList<string> FilesUnder(string folder, params string[] extensions) =>
        Directory.EnumerateFiles(PathOf(folder), "*", SearchOption.AllDirectories)
            .Where(path => extensions.Any(extension => path.EndsWith(extension, StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(Root, path))
            .Order(StringComparer.Ordinal)
            .ToList();
}
