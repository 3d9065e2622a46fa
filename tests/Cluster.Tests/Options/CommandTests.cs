using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class CommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static ICoordinatorCommand Coordinator(params string[] args) => Succeeds(CoordinatorCommandLine.Read(args, NoEnvironment));

    [Fact]
    public void Train_is_the_default_command_and_may_be_named()
    {
        Assert.Equal(Coordinator("--steps", "5"), Coordinator("train", "--steps", "5"));
        Assert.IsType<TrainingOptions>(Coordinator());
    }

    [Fact]
    public void Eval_takes_a_checkpoint_and_the_data_options()
    {
        string checkpoint = _files.Write("best.safetensors", "");
        string data = _files.Write("tiny.txt", "abc");

        var eval = Assert.IsType<EvalOptions>(Coordinator("eval", "--checkpoint", checkpoint, "--task", "text", "--data", data, "--seq-len", "64", "--batch", "8"));

        Assert.Equal(checkpoint, eval.Checkpoint);
        Assert.Equal(new DataOptions { Task = TaskKind.Text, Data = data, SeqLen = 64 }, eval.Data);
        Assert.Equal(8, eval.Batch);
    }

    [Fact]
    public void Eval_and_sample_require_a_checkpoint()
    {
        const string expected = "--checkpoint FILE is required (on the command line, as ATTNRNN_CHECKPOINT, or in the --config file)";
        Assert.Equal(expected, CoordinatorError("eval"));
        Assert.Equal(expected, CoordinatorError("sample", "--prompt", "ROMEO:"));
    }

    [Fact]
    public void Eval_applies_the_data_checks()
    {
        string checkpoint = _files.Write("c.safetensors", "");

        Assert.StartsWith("--task text needs --data FILE", CoordinatorError("eval", "--checkpoint", checkpoint, "--task", "text"));
    }

    [Fact]
    public void Sample_takes_prompt_length_temperature_and_seed()
    {
        string checkpoint = _files.Write("c.safetensors", "");

        var sample = Assert.IsType<SampleOptions>(Coordinator("sample", "--checkpoint", checkpoint, "--prompt", "ROMEO: ", "--length", "200", "--temperature", "0.8", "--seed", "5"));

        Assert.Equal(("ROMEO: ", 200, 0.8, 5UL), (sample.Prompt, sample.Length, sample.Temperature, sample.Seed));
        Assert.Equal("\n", Assert.IsType<SampleOptions>(Coordinator("sample", "--checkpoint", checkpoint)).Prompt);
    }

    [Fact]
    public void An_unknown_command_suggests_the_closest()
    {
        Assert.Equal("unknown command \"evaluate\" (did you mean eval?); the commands are train, eval, sample (train when none is given)",
            CoordinatorError("evaluate"));
    }

    [Fact]
    public void Help_is_given_per_command_even_among_mistakes()
    {
        var train = Assert.IsType<OptionsOutcome<ICoordinatorCommand>.Help>(CoordinatorCommandLine.Read(["--steps", "0", "--help"], NoEnvironment));
        var sample = Assert.IsType<OptionsOutcome<ICoordinatorCommand>.Help>(CoordinatorCommandLine.Read(["sample", "-h"], NoEnvironment));

        Assert.Contains("--micro-batch", train.Text);
        Assert.Contains("--temperature", sample.Text);
        Assert.DoesNotContain("--micro-batch", sample.Text);
    }

    [Fact]
    public void Shells_get_the_commands_the_option_names_and_the_words_of_a_choice_to_complete()
    {
        Assert.Equal(["text"], Completions("[suggest:8]", "--task t"));
        Assert.Equal(["adam", "sgd"], Completions("[suggest:12]", "--optimizer "));
        Assert.Contains("--micro-batch", Completions("[suggest:7]", "--micro"));
        Assert.Contains("eval", Completions("[suggest:2]", "ev"));
        Assert.DoesNotContain("--tls-password", Completions("[suggest:5]", "--tls"));
    }

    [Fact]
    public void The_version_option_of_the_library_is_not_one_of_ours()
    {
        Assert.Equal("unknown option --version", CoordinatorError("--version"));
    }

    private static string[] Completions(params string[] args) =>
        Assert.IsType<OptionsOutcome<ICoordinatorCommand>.Completions>(CoordinatorCommandLine.Read(args, NoEnvironment)).Text
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
