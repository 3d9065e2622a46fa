using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>Each kind of mistake gets one error that names the option, its source, the value and what is valid.</summary>
public sealed class ErrorMessageTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Out_of_range_integer_names_the_option_the_range_and_the_value()
    {
        Assert.Equal("--micro-batch: expected an integer in 1..65536, got \"0\"", CoordinatorError("--micro-batch", "0"));
    }

    [Fact]
    public void Wrong_type_names_the_option_and_the_value()
    {
        Assert.Equal("--steps: expected an integer in 1..100000000, got \"ten\"", CoordinatorError("--steps", "ten"));
        Assert.Equal("--lr: expected a number > 0 and <= 10, got \"0\"", CoordinatorError("--lr", "0"));
        Assert.Equal("--clip: expected a number >= 0, got \"NaN\"", CoordinatorError("--clip", "NaN"));
        Assert.Equal("--momentum: expected a number in 0..1, got \"1.5\"", CoordinatorError("--optimizer", "sgd", "--momentum", "1.5"));
        Assert.Equal("--hostname: expected a host name or IP address, got \"no such host!\"", CoordinatorError("--port", "4053", "--hostname", "no such host!"));
    }

    [Fact]
    public void A_wrong_choice_lists_the_choices_and_suggests_the_closest()
    {
        Assert.Equal("--task: expected one of adding|text|jsonl, got \"txt\" (did you mean text?)", CoordinatorError("--task", "txt"));
        Assert.Equal("--attention: expected one of on|off, got \"maybe\"", CoordinatorError("--attention", "maybe"));
    }

    [Fact]
    public void An_unknown_option_suggests_the_closest_valid_name()
    {
        Assert.Equal("unknown option --micro-bach (did you mean --micro-batch?)", CoordinatorError("--micro-bach", "8"));
        Assert.Equal("unknown option --warm (did you mean --warmup?)", CoordinatorError("--warm", "8"));
        Assert.Equal("unknown option --colour", CoordinatorError("--colour", "blue"));
    }

    [Fact]
    public void An_option_of_another_command_is_named_as_such()
    {
        Assert.Equal("--seed-nodes is not an option of train", CoordinatorError("--seed-nodes", "akka.tcp://attnrnn@h:1"));
        Assert.Equal("--steps is not an option of sample", CoordinatorError("sample", "--checkpoint", _files.Write("c.safetensors", ""), "--steps", "3"));
    }

    [Fact]
    public void A_missing_value_names_the_option_and_the_expected_form()
    {
        Assert.Equal("--seed: missing value (expected N)", CoordinatorError("--seed"));
        Assert.Equal("--seed: missing value (expected N)", CoordinatorError("--seed", "--steps", "5"));
    }

    [Fact]
    public void Stray_arguments_are_reported()
    {
        Assert.StartsWith("unexpected argument \"5\"", CoordinatorError("--steps", "4", "5"));
        Assert.StartsWith("unexpected argument \"-s\" (options look like --name value", CoordinatorErrors("-s", "4")[0]);
    }

    [Fact]
    public void An_environment_variable_error_names_the_variable()
    {
        Assert.Equal("ATTNRNN_MICRO_BATCH (environment): expected an integer in 1..65536, got \"-3\"",
            CoordinatorError(Environment(("ATTNRNN_MICRO_BATCH", "-3"))));
        Assert.Equal("unknown environment variable ATTNRNN_MICRO_BACH (did you mean ATTNRNN_MICRO_BATCH?)",
            CoordinatorError(Environment(("ATTNRNN_MICRO_BACH", "8"))));
    }

    [Fact]
    public void Several_mistakes_are_all_reported_at_once()
    {
        var errors = CoordinatorErrors("--hidden", "0", "--embedding", "8", "--seed");

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("--hidden:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--embedding (did you mean --embed?)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--seed: missing value", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_input_file_is_reported_with_its_full_path()
    {
        string error = CoordinatorError("--task", "text", "--data", "nowhere/tiny.txt");

        Assert.StartsWith("--data: no such file: \"nowhere/tiny.txt\" (full path ", error);
        Assert.Contains(Path.GetFullPath("nowhere/tiny.txt"), error);
    }

    [Fact]
    public void The_report_prefixes_each_error_and_points_at_help()
    {
        var failure = Assert.IsType<OptionsOutcome<ICoordinatorCommand>.Failure>(CoordinatorCommandLine.Read(["--hidden", "0", "--lr", "x"], NoEnvironment));

        var lines = failure.Report.Split(System.Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.All(lines[..2], line => Assert.StartsWith("error: --", line));
        Assert.Contains("--help", lines[2]);
        Assert.Equal(2, ExitCodes.BadInput);
    }
}
