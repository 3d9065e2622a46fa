using System.Reflection;
using System.Text.RegularExpressions;
using AttnRnnCluster.Coordinator.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>docs/configuration.md must keep up with the options of every command.</summary>
public sealed partial class DocumentationTests : IDisposable
{
    /// <summary>What the range column says of an option whose form says it all (a choice, a path, a name).</summary>
    private const string NoRange = "—";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Documentation()
    {
        string root = typeof(DocumentationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        return File.ReadAllText(Path.Combine(root, "docs", "configuration.md")).ReplaceLineEndings("\n");
    }

    public static TheoryData<string, string, string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string, string, string>();
        foreach (string name in Commands.Names)
        {
            foreach (var option in Commands.Describe(name).Options)
                rows.Add(name, option.EnvironmentVariable, option.Range ?? NoRange, option.DefaultText, option.Description!);
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_option_is_documented_with_its_range_default_environment_variable_and_description(
        string command, string variable, string range, string defaultText, string description)
    {
        string section = Section(Documentation(), command);

        Assert.Contains(section.Split('\n'), line =>
            line.Contains($"| {Escape(range)} | {Escape(defaultText)} | `{variable}` | {Escape(description)} |", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cosine_schedule_is_documented_as_decaying_to_a_tenth_of_the_learning_rate()
    {
        string documentation = Documentation();

        Assert.Contains("cosine decay to --lr/10 at --steps", documentation);
        Assert.DoesNotContain("decay to 0", documentation);
    }

    [Fact]
    public void The_documented_config_file_example_is_valid()
    {
        string example = JsonBlock().Match(Documentation()).Groups["json"].Value;
        string config = _files.Write("plain-rnn.json", example);

        var options = Train("--config", config);

        Assert.False(options.Model.Attention);
        Assert.Equal(LrSchedule.Cosine, options.Optimization.LrSchedule);
    }

    /// <summary>The part of the page from the command's heading to the next second-level heading.</summary>
    private static string Section(string documentation, string command)
    {
        string heading = command == "worker" ? "## Worker" : $"## Coordinator: `{command}`";
        int start = documentation.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/configuration.md has no heading {heading}");
        int end = documentation.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return documentation[start..(end < 0 ? documentation.Length : end)];
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|");

    [GeneratedRegex("```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
