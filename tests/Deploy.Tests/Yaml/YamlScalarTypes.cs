using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>
/// Which type a reader of the file gives a scalar. Kubernetes and Compose want strings for environment and
/// ConfigMap values, and a plain <c>4053</c> or <c>on</c> is a number or a boolean to them: they read YAML 1.1,
/// whose booleans include yes/no/on/off.
/// </summary>
public static partial class YamlScalarTypes
{
    private const string StringTag = "tag:yaml.org,2002:str";

    extension(YamlScalarNode scalar)
    {
        /// <summary>Whether the scalar is read as a string: quoted, a block, tagged !!str, or plain text that reads as nothing else.</summary>
        public bool IsString => scalar.Tag.IsEmpty
            ? !IsPlain(scalar) || !(scalar.IsNull || BooleanOrNumber().IsMatch(scalar.Value ?? ""))
            : scalar.Tag.Value == StringTag;

        /// <summary>Whether the scalar is null: plain and empty, ~ or null.</summary>
        public bool IsNull => scalar.Tag.IsEmpty && IsPlain(scalar) && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
    }

    private static bool IsPlain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    [GeneratedRegex(@"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
                    + @"|[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+"
                    + @"|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                    + @"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex BooleanOrNumber();
}
