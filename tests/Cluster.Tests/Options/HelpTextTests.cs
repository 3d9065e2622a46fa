using System.Text.RegularExpressions;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class HelpTextTests
{
    public static TheoryData<string> CommandNames => [.. Commands.Names];

    private static (string Help, IReadOnlyList<(string Name, string Form, bool CommandLine)> Options, IReadOnlyList<string> Sections) Describe(string command)
    {
        var described = Commands.Describe(command);
        return (described.Help, [.. described.Options.Select(o => (o.Key, o.Form, o.OnCommandLine))], described.Sections);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
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
        string help = Commands.Describe("train").Help.ReplaceLineEndings("\n");

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
        Assert.Matches(@"--checkpoint FILE +.*\(required\)", Commands.Describe("eval").Help);
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Help_shows_the_range_of_every_option_that_has_one(string command)
    {
        var described = Commands.Describe(command);
        string help = described.Help.ReplaceLineEndings("\n");

        Assert.Contains(described.Options, o => o.Range is not null);
        foreach (var option in described.Options.Where(o => o.Range is not null))
            Assert.Matches($@"\n  {Regex.Escape($"{option.Name} {option.Form}")} +.*; range {Regex.Escape(option.Range!)} \(", help);
    }

    [Fact]
    public void Help_shows_ranges_as_the_parser_checks_them()
    {
        string help = Commands.Describe("train").Help.ReplaceLineEndings("\n");

        Assert.Matches(@"\n  --micro-batch N +.*; range 1\.\.65536 \(default: 16\)\n", help);
        Assert.Matches(@"\n  --lr X +.*; range > 0 and <= 10 \(default: 0\.002\)\n", help);
        Assert.Matches(@"\n  --classes N +.*; range 0 or 2\.\.1000000 \(default: 0\)\n", help);
        Assert.Matches(@"\n  --start-timeout SECONDS +.*; range > 0 and <= 604800 \(default: 120\)\n", help);
        Assert.Matches(@"\n  --seed N +.*; range 0\.\.9223372036854775807 \(default: 0\)\n", help);
    }

    [Fact]
    public void The_cosine_schedule_is_said_to_decay_to_a_tenth_of_the_learning_rate()
    {
        Assert.Matches(@"--lr-schedule constant\|cosine +after warmup: constant, or cosine decay to --lr/10 at --steps", Commands.Describe("train").Help);
    }
}
