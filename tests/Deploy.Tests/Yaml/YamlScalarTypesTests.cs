using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>The rule the environment and ConfigMap checks stand on: which scalars Kubernetes and Compose read as strings.</summary>
public sealed class YamlScalarTypesTests
{
    [Theory]
    [InlineData("\"4053\"", true)]
    [InlineData("'1'", true)]
    [InlineData("!!str 1", true)]
    [InlineData("|\n  4053", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("2Gi", true)]
    [InlineData("information", true)]
    [InlineData("4053", false)]
    [InlineData("0440", false)]
    [InlineData("1.5e3", false)]
    [InlineData("true", false)]
    [InlineData("on", false)]
    [InlineData("yes", false)]
    [InlineData("~", false)]
    [InlineData("", false)]
    public void Knows_which_scalars_are_strings(string value, bool isString)
    {
        var document = Assert.Single(YamlDocuments.Read($"key: {value}\n", "test.yaml"));
        var scalar = Assert.IsType<YamlScalarNode>(document.At("key"));

        Assert.Equal(isString, scalar.IsString);
    }
}
