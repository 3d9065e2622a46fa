using System.Text.RegularExpressions;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Shared.Tests.Configuration;

public sealed class HelpTextTests
{
    public static TheoryData<string> Commands => ["train", "eval", "sample", "worker"];

    private static (string Help, IReadOnlyList<(string Name, string Form, bool CommandLine)> Options, IReadOnlyList<string> Sections) Describe(string command) =>
        command switch
        {
            "train" => Describe(TrainingOptions.Table),
            "eval" => Describe(EvalOptions.Table),
            "sample" => Describe(SampleOptions.Table),
            _ => Describe(WorkerOptions.Table),
        };

    private static (string, IReadOnlyList<(string, string, bool)>, IReadOnlyList<string>) Describe<T>(OptionTable<T> table) =>
        (HelpText.For(table), table.Options.Select(o => (o.Name, o.Kind.Form, o.Sources.HasFlag(OptionSources.CommandLine))).ToList(),
         table.Sections.Select(s => s.Title).ToList());

    [Theory]
    [MemberData(nameof(Commands))]
    public void Help_lists_every_option_with_its_value_form_in_its_section(string command)
    {
        var (help, options, sections) = Describe(command);

        foreach (var (name, form, commandLine) in options)
            Assert.Matches(Regex.Escape(commandLine ? $"  --{name} {form}" : $"  {OptionNames.EnvironmentVariable(name)}={form}") + @"( |\r?\n)", help);
        foreach (string section in sections.Append("general"))
            Assert.Contains($"\n{section}:", help.ReplaceLineEndings("\n"));
        Assert.Contains("--config FILE", help);
        Assert.Contains("--help", help);
    }

    [Fact]
    public void Help_shows_defaults_from_the_records_and_the_notes_where_words_are_needed()
    {
        string help = HelpText.For(TrainingOptions.Table).ReplaceLineEndings("\n");

        Assert.Matches(@"\n  --micro-batch N +sequences per micro-shard .*\(default: 16\)\n", help);
        Assert.Matches(@"\n  --lr X +.*\(default: 0\.002\)\n", help);
        Assert.Matches(@"\n  --task adding\|text\|jsonl +.*\(default: adding\)\n", help);
        Assert.Matches(@"\n  --attention on\|off +.*\(default: on\)\n", help);
        Assert.Matches(@"\n  --target-loss X +.*\(default: 0\.01 for adding, 0 otherwise\)\n", help);
        Assert.Matches(@"\n  --start-timeout SECONDS +.*\(default: 120\)\n", help);
        Assert.Matches(@"\n  --out DIR +.*\(default: runs/<yyyyMMdd-HHmmss>\)\n", help);
        Assert.Matches(@"\n  --data FILE +.*\(default: none\)\n", help);
    }

    [Fact]
    public void Required_options_say_so_instead_of_a_default()
    {
        Assert.Matches(@"--checkpoint FILE +.*\(required\)", HelpText.For(EvalOptions.Table));
    }
}
