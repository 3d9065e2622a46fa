using System.Text.RegularExpressions;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>A node of a YAML document, with the line it starts on: a scalar, a sequence or a mapping.</summary>
public abstract record YamlNode(int Line);

public sealed partial record YamlScalar(string Value, bool Quoted, int Line) : YamlNode(Line)
{
    /// <summary>
    /// Whether YAML makes this scalar a string. A plain scalar that reads as null, a boolean or a number does not;
    /// YAML 1.1's booleans (yes/no/on/off) count, since Kubernetes reads YAML 1.1.
    /// </summary>
    public bool IsString => Quoted || !(IsNull || BooleanOrNumber().IsMatch(Value));

    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";

    [GeneratedRegex(@"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
                    + @"|[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+"
                    + @"|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                    + @"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex BooleanOrNumber();
}

public sealed record YamlSequence(IReadOnlyList<YamlNode> Items, int Line) : YamlNode(Line);

public sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries, int Line) : YamlNode(Line)
{
    public YamlNode? this[string key] => Entries.FirstOrDefault(entry => entry.Key == key).Value;

    public IEnumerable<string> Keys => Entries.Select(entry => entry.Key);
}
