using System.Reflection;
using System.Text.RegularExpressions;
using AttnRnnCluster.Hosting.Options;
using static AttnRnnCluster.Shared.Tests.Configuration.Parsing;

namespace AttnRnnCluster.Shared.Tests.Configuration;

/// <summary>docs/configuration.md must keep up with the option tables.</summary>
public sealed partial class DocumentationTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Documentation()
    {
        string root = typeof(DocumentationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        return File.ReadAllText(Path.Combine(root, "docs", "configuration.md")).ReplaceLineEndings("\n");
    }

    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        Add(TrainingOptions.Table);
        Add(EvalOptions.Table);
        Add(SampleOptions.Table);
        Add(WorkerOptions.Table);
        return rows;

        void Add<T>(OptionTable<T> table)
        {
            foreach (var option in table.Options)
                rows.Add(table.Command, option.EnvironmentVariable,
                    table.Required.Contains(option.Name) ? "required" : option.DefaultNote ?? option.Kind.Format(option.Get(table.Defaults)));
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_option_is_documented_with_its_default_and_environment_variable(string command, string variable, string defaultText)
    {
        string section = Section(Documentation(), command);

        Assert.Contains(section.Split('\n'), line => line.Contains($"| {defaultText.Replace("|", "\\|")} | `{variable}` |", StringComparison.Ordinal));
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

    [GeneratedRegex("```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
