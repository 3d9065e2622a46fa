using Xunit.Sdk;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>Reading a parsed document in a test: each step names what it expected, so a failure says where and what.</summary>
public static class YamlNavigation
{
    /// <summary>The node at a path of mapping keys; null where a key is missing or a step is no mapping.</summary>
    public static YamlNode? At(this YamlNode? node, params string[] keys)
    {
        foreach (string key in keys)
            node = node is YamlMapping mapping ? mapping[key] : null;
        return node;
    }

    public static YamlMapping Mapping(this YamlNode? node, string what) =>
        node as YamlMapping ?? throw Expected("a mapping", node, what);

    public static YamlSequence Sequence(this YamlNode? node, string what) =>
        node as YamlSequence ?? throw Expected("a sequence", node, what);

    public static string Text(this YamlNode? node, string what) =>
        node is YamlScalar { IsNull: false } scalar ? scalar.Value : throw Expected("a scalar", node, what);

    /// <summary>A mapping of scalars, e.g. labels or an environment.</summary>
    public static IReadOnlyDictionary<string, string> Texts(this YamlNode? node, string what) =>
        node.Mapping(what).Entries.ToDictionary(entry => entry.Key, entry => entry.Value.Text($"{what}.{entry.Key}"));

    private static XunitException Expected(string kind, YamlNode? node, string what) =>
        new($"{what}: expected {kind}, found {node switch
        {
            null => "nothing",
            YamlScalar scalar => $"the scalar \"{scalar.Value}\" on line {scalar.Line}",
            _ => $"a {node.GetType().Name[4..].ToLowerInvariant()} on line {node.Line}",
        }}");
}
