using System.Text.RegularExpressions;

namespace AttnRnnCluster.Deploy.Tests.Docker;

/// <summary>The patterns of a .dockerignore (without "!" exceptions, which ours does not use), to tell what the build context leaves out.</summary>
public sealed record DockerIgnore(IReadOnlyList<string> Patterns)
{
    public static DockerIgnore Read(string path) => new(File.ReadAllLines(path)
        .Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList());

    /// <summary>Whether a repository-relative path, or a folder above it, matches a pattern.</summary>
    public bool Excludes(string path)
    {
        string[] segments = path.Trim('/').Split('/');
        var prefixes = Enumerable.Range(1, segments.Length).Select(n => string.Join('/', segments[..n]));
        return Patterns.Any(pattern => prefixes.Any(prefix => ToRegex(pattern).IsMatch(prefix)));
    }

    private static Regex ToRegex(string pattern)
    {
        string glob = pattern.Trim('/');
        string regex = Regex.Escape(glob).Replace(@"\*\*/", "(?:.*/)?").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]");
        return new Regex($"^{regex}$");
    }
}
