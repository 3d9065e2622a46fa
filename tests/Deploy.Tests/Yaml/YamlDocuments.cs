using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>The documents of a YAML text, read by YamlDotNet; a malformed text is an error naming its source.</summary>
public static class YamlDocuments
{
    public static IReadOnlyList<YamlNode> ReadFile(string path) => Read(File.ReadAllText(path), path);

    /// <summary>
    /// Every document's root, without empty documents (a comment alone, or nothing between two <c>---</c>):
    /// kubectl and Compose skip them too.
    /// </summary>
    public static IReadOnlyList<YamlNode> Read(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            throw new InvalidDataException($"{source}, line {error.Start.Line}: {error.Message}", error);
        }
        return [.. stream.Documents.Select(document => document.RootNode)
            .Where(root => root is not YamlScalarNode scalar || !scalar.IsNull)];
    }
}
