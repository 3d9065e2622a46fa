using System.Collections;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Shared.Tests.Configuration;

/// <summary>
/// The plumbing both executables read their options with, on a command of its own: the sources and their
/// precedence, errors that name the source, names of other commands, secrets, help. (The executables' own
/// commands are tested in Cluster.Tests, which references them.)
/// </summary>
public sealed class OptionsCommandLineTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private sealed record Toy(int Count, bool Loud, string? Secret) : ICheckedOptions
    {
        public IEnumerable<string> Check(IOptionOrigins origins)
        {
            if (Loud && Count > 3) yield return $"{origins["count"]} = {Count} is too many with {origins["loud"]}";
        }
    }

    private static OptionsCommand<Toy> ToyCommand()
    {
        var count = new LayeredOption<int>("count", new IntegerKind(1, 5), 2, "how many");
        var loud = new LayeredOption<bool>("loud", ChoiceKind.OnOff, false, "whether to shout");
        var secret = new LayeredOption<string?>("secret", OptionalKind.Text("TEXT"), null, "not for other eyes", onCommandLine: false);
        return new("toy", "toy [options]", "Counts.", [new("counting", [count, loud]), new("keeping", [secret])],
            values => new Toy(values.Get(count), values.Get(loud), values.Get(secret)));
    }

    private static OptionsOutcome<Toy> Read(IDictionary environment, params string[] args) =>
        new OptionsCommandLine<Toy>([ToyCommand()]).Read(args, environment);

    private static Toy Succeeds(IDictionary environment, params string[] args) =>
        Assert.IsType<OptionsOutcome<Toy>.Success>(Read(environment, args)).Options;

    private static IReadOnlyList<string> Errors(IDictionary environment, params string[] args) =>
        Assert.IsType<OptionsOutcome<Toy>.Failure>(Read(environment, args)).Errors;

    private static Hashtable Environment(params (string Name, string Value)[] variables)
    {
        var environment = new Hashtable();
        foreach (var (name, value) in variables) environment[name] = value;
        return environment;
    }

    [Fact]
    public void The_command_line_beats_the_environment_which_beats_the_config_file_which_beats_the_default()
    {
        string config = _files.Write("toy.json", """{"count": 3, "loud": true}""");

        Assert.Equal(new Toy(2, false, null), Succeeds(Environment()));
        Assert.Equal(new Toy(3, true, null), Succeeds(Environment(), "--config", config));
        Assert.Equal(new Toy(4, false, null), Succeeds(Environment(("ATTNRNN_CONFIG", config), ("ATTNRNN_COUNT", "4"), ("ATTNRNN_LOUD", "off"))));
        Assert.Equal(new Toy(1, false, null), Succeeds(Environment(("ATTNRNN_COUNT", "4")), "--config", config, "--count=4", "--count", "1", "--loud", "off"));
    }

    [Fact]
    public void A_bad_value_is_reported_with_the_source_that_gave_it_and_an_overridden_one_is_not_read()
    {
        string config = _files.Write("toy.json", """{"count": 9}""");

        Assert.Equal([$"config file {config}, key \"count\": expected an integer in 1..5, got \"9\""], Errors(Environment(), "--config", config));
        Assert.Equal(["ATTNRNN_COUNT (environment): expected an integer in 1..5, got \"0\""], Errors(Environment(("ATTNRNN_COUNT", "0")), "--config", config));
        Assert.Equal(["--count: expected an integer in 1..5, got \"7\""], Errors(Environment(("ATTNRNN_COUNT", "0")), "--config", config, "--count", "7"));
        Assert.Equal(3, Succeeds(Environment(("ATTNRNN_COUNT", "0")), "--config", config, "--count", "3").Count);
    }

    [Fact]
    public void Checks_across_options_name_where_each_value_came_from()
    {
        Assert.Equal(["ATTNRNN_COUNT (environment) = 4 is too many with --loud"], Errors(Environment(("ATTNRNN_COUNT", "4")), "--loud", "on"));
        string config = _files.Write("toy.json", """{"loud": "on"}""");
        Assert.Equal([$"--count = 5 is too many with config file {config}, key \"loud\""], Errors(Environment(), "--config", config, "--count", "5"));
    }

    [Fact]
    public void Names_of_other_commands_are_skipped_or_named_as_such_and_unknown_ones_get_the_closest_valid_name()
    {
        string config = _files.Write("toy.json", """{"micro-batch": 8, "cuont": 3}""");

        var errors = Errors(Environment(("ATTNRNN_MICRO_BATCH", "8"), ("ATTNRNN_LOUDD", "on")), "--config", config, "--micro-batch", "8", "--cuont", "3");

        Assert.Equal(
        [
            "--micro-batch is not an option of toy",
            "unknown option --cuont (did you mean --count?)",
            $"config file {config}: unknown key \"cuont\" (did you mean \"count\"?)",
            "unknown environment variable ATTNRNN_LOUDD (did you mean ATTNRNN_LOUD?)",
        ], errors);
    }

    [Fact]
    public void A_secret_is_refused_on_the_command_line_and_taken_from_the_environment()
    {
        var errors = Errors(Environment(), "--secret", "hunter2");

        Assert.Equal(["--secret is not accepted on the command line, where every user of this machine can read it; set the environment variable ATTNRNN_SECRET or use a file"], errors);
        Assert.Equal("hunter2", Succeeds(Environment(("ATTNRNN_SECRET", "hunter2"))).Secret);
    }

    [Fact]
    public void An_option_without_a_value_and_a_stray_argument_are_reported_together()
    {
        Assert.Equal(
            ["--count: missing value (expected N)", "unexpected argument \"extra\" (options look like --name value; a command, if any, comes first)"],
            Errors(Environment(), "--loud", "on", "extra", "--count"));
    }

    [Fact]
    public void This_command_takes_no_arguments_after_a_double_dash_and_knows_no_directive_but_suggest()
    {
        const string LookLike = "(options look like --name value; a command, if any, comes first)";

        Assert.Equal([$"unexpected argument \"--\" {LookLike}", $"unexpected argument \"--count\" {LookLike}", $"unexpected argument \"3\" {LookLike}"],
            Errors(Environment(), "--", "--count", "3"));
        Assert.Equal([$"unexpected argument \"--\" {LookLike}"], Errors(Environment(), "--count", "3", "--"));
        Assert.Equal([$"unexpected argument \"[diagram]\" {LookLike}"], Errors(Environment(), "[diagram]", "--count", "3"));
    }

    [Fact]
    public void Config_file_values_must_be_strings_numbers_booleans_or_lists_of_them()
    {
        string config = _files.Write("toy.json", """{"count": {"of": 3}, "loud": null, /* comment */ }""");

        Assert.Equal(
        [
            $"config file {config}, key \"count\": expected a string, number, boolean or list of them, got an object",
            $"config file {config}, key \"loud\": expected a string, number, boolean or list of them, got null",
        ], Errors(Environment(), "--config", config));
    }

    [Fact]
    public void Help_shows_each_section_with_forms_ranges_defaults_and_secrets_as_variables()
    {
        string help = Assert.IsType<OptionsOutcome<Toy>.Help>(Read(Environment(), "--count", "0", "-h")).Text.ReplaceLineEndings("\n");

        Assert.StartsWith("Usage: toy [options]\n\nCounts.\n\ncounting:\n", help);
        Assert.Matches(@"\n  --count N +how many; range 1\.\.5 \(default: 2\)\n", help);
        Assert.Matches(@"\n  --loud on\|off +whether to shout \(default: off\)\n", help);
        Assert.Matches(@"\nkeeping:\n  ATTNRNN_SECRET=TEXT +not for other eyes \(default: none\)\n", help);
        Assert.Contains("\ngeneral:\n  --config FILE", help);
    }

    [Fact]
    public void Completions_offer_the_words_of_a_choice_but_no_secret()
    {
        var completions = Assert.IsType<OptionsOutcome<Toy>.Completions>(Read(Environment(), "[suggest:7]", "--loud ")).Text;
        var names = Assert.IsType<OptionsOutcome<Toy>.Completions>(Read(Environment(), "[suggest:2]", "--")).Text;

        Assert.Equal(["off", "on"], completions.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--count", names);
        Assert.DoesNotContain("--secret", names);
    }
}
