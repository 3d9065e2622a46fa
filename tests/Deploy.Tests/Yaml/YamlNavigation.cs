using Xunit.Sdk;
using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>Reading a parsed document in a test: each step names what it expected, so a failure says where and what.</summary>
public static class YamlNavigation
{
    /// <summary>The node at a path of mapping keys; null where a key is missing or a step is no mapping.</summary>
    public static YamlNode? At(this YamlNode? node, params string[] keys)
    {
        foreach (string key in keys)
            node = node is YamlMappingNode mapping ? mapping.Entries.FirstOrDefault(entry => entry.Key == key).Value : null;
        return node;
    }

    public static YamlMappingNode Mapping(this YamlNode? node, string what) =>
        node as YamlMappingNode ?? throw Expected("a mapping", node, what);

    public static YamlSequenceNode Sequence(this YamlNode? node, string what) =>
        node as YamlSequenceNode ?? throw Expected("a sequence", node, what);

    public static string Text(this YamlNode? node, string what) =>
        node is YamlScalarNode { IsNull: false, Value: { } value } ? value : throw Expected("a scalar", node, what);

    /// <summary>A mapping of scalars, e.g. labels or an environment.</summary>
    public static IReadOnlyDictionary<string, string> Texts(this YamlNode? node, string what) =>
        node.Mapping(what).Entries.ToDictionary(entry => entry.Key, entry => entry.Value.Text($"{what}.{entry.Key}"));

    extension(YamlNode node)
    {
        /// <summary>The line the node starts on, counted from 1.</summary>
        public long Line => node.Start.Line;
    }

    extension(YamlMappingNode mapping)
    {
        /// <summary>The entries in the order the file lists them, keyed by their text (deploy/ has only scalar keys).</summary>
        public IEnumerable<KeyValuePair<string, YamlNode>> Entries =>
            mapping.Children.Select(entry => KeyValuePair.Create(entry.Key.Text("a mapping key"), entry.Value));

        public IEnumerable<string> Keys => mapping.Entries.Select(entry => entry.Key);
    }

    extension(YamlSequenceNode sequence)
    {
        public IList<YamlNode> Items => sequence.Children;
    }

    private static XunitException Expected(string kind, YamlNode? node, string what) =>
        new($"{what}: expected {kind}, found {node switch
        {
            null => "nothing",
            YamlScalarNode scalar => $"the scalar \"{scalar.Value}\" on line {scalar.Line}",
            _ => $"a {node.NodeType.ToString().ToLowerInvariant()} on line {node.Line}",
        }}");
}
