namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>A YAML text that is malformed, or outside the subset <see cref="YamlReader"/> reads.</summary>
public sealed class YamlException(string source, int line, string problem)
    : Exception($"{source}, line {line}: {problem}")
{
    public int Line { get; } = line;
}
