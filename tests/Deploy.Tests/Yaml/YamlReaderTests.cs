namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>The reader the deploy/ checks stand on: what it reads, and that it refuses what it cannot read right.</summary>
public sealed class YamlReaderTests
{
    private static YamlNode Single(string text) => Assert.Single(YamlReader.Read(text, "test.yaml"));

    [Fact]
    public void Reads_nested_mappings_indented_and_compact_sequences_and_quoted_scalars()
    {
        var root = Single("""
            # a comment
            kind: Pod   # a trailing comment
            spec:
              containers:
              - name: app
                args: ["worker", '--port', "a,b"]
                env:
                  - name: "A#B"
                    value: 'it''s # not a comment'
              volumes:
                - emptyDir: {}
                  name: tmp
            url: akka.tcp://attnrnn@host:4053
            """);

        Assert.Equal("Pod", root.At("kind").Text("kind"));
        var container = Assert.Single(root.At("spec", "containers").Sequence("containers").Items);
        Assert.Equal("app", container.At("name").Text("name"));
        Assert.Equal(["worker", "--port", "a,b"], container.At("args").Sequence("args").Items.Select(item => item.Text("arg")));
        var variable = Assert.Single(container.At("env").Sequence("env").Items);
        Assert.Equal("A#B", variable.At("name").Text("name"));
        Assert.Equal("it's # not a comment", variable.At("value").Text("value"));
        var volume = Assert.Single(root.At("spec", "volumes").Sequence("volumes").Items);
        Assert.Empty(volume.At("emptyDir").Mapping("emptyDir").Entries);
        Assert.Equal("tmp", volume.At("name").Text("name"));
        Assert.Equal("akka.tcp://attnrnn@host:4053", root.At("url").Text("url"));
    }

    [Fact]
    public void Splits_documents_at_three_dashes_and_skips_empty_ones()
    {
        var documents = YamlReader.Read("# only a comment\n---\na: 1\n---\n---\nb: 2\n", "test.yaml");

        Assert.Equal(["a", "b"], documents.Select(document => document.Mapping("document").Keys.Single()));
    }

    [Theory]
    [InlineData("\"4053\"", true)]
    [InlineData("'1'", true)]
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
    public void Knows_which_scalars_are_strings(string value, bool isString)
    {
        var scalar = Assert.IsType<YamlScalar>(Single($"key: {value}").At("key"));

        Assert.Equal(isString, scalar.IsString);
    }

    [Theory]
    [InlineData("a:\n\tb: 1\n", 2, "tab")]
    [InlineData("a: 1\nb: 2\na: 3\n", 3, "duplicate key \"a\"")]
    [InlineData("a:\n    b: 1\n  c: 2\n", 3, "fits no enclosing block")]
    [InlineData("a: 1\n  b: 2\n", 2, "continued on the next line")]
    [InlineData("a: \"open\n", 1, "unterminated")]
    [InlineData("a: &anchor 1\n", 1, "anchor")]
    [InlineData("a: |\n  text\n", 1, "block scalar")]
    [InlineData("a: b: c\n", 1, "mapping value is not allowed")]
    [InlineData("a: 1\n- b\n", 2, "sequence item where a mapping key was expected")]
    [InlineData("a: \"x\" y\n", 1, "text after a quoted scalar")]
    [InlineData("a: [b, [c]]\n", 1, "nested flow")]
    [InlineData("a: [b, c\n", 1, "must end on its line")]
    [InlineData("a: {b: 1}\n", 1, "flow mappings")]
    [InlineData("a: \"\\q\"\n", 1, "unknown escape")]
    [InlineData("%YAML 1.2\na: 1\n", 1, "directives")]
    public void Refuses_what_is_malformed_or_beyond_its_subset_naming_the_line(string text, int line, string problem)
    {
        var error = Assert.Throws<YamlException>(() => YamlReader.Read(text, "bad.yaml"));

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Message);
        Assert.StartsWith($"bad.yaml, line {line}: ", error.Message);
    }
}
