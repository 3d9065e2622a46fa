using AttnRnnCluster.Coordinator.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class ConfigFileTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Strings_numbers_booleans_comments_and_trailing_commas_are_read()
    {
        string config = _files.Write("run.json", """
            {
              // the plain RNN, for comparison
              "attention": false,
              "lr-schedule": "cosine",
              "warmup": 10,
              "clip": 0.5,
              "out": "runs/plain",
            }
            """);

        var options = Train("--config", config);

        Assert.False(options.Model.Attention);
        Assert.Equal(LrSchedule.Cosine, options.Optimization.LrSchedule);
        Assert.Equal((10, 0.5), (options.Optimization.Warmup, options.Optimization.Clip));
        Assert.Equal("runs/plain", options.Run.Out);
    }

    [Fact]
    public void Malformed_json_is_reported_with_the_file_line_and_position()
    {
        string config = _files.Write("bad.json", "{\n  \"batch\": 32,\n  \"steps\": ,\n}");

        string error = CoordinatorError("--config", config);

        Assert.StartsWith($"config file {config}: invalid JSON at line 3, position 12: ", error);
        Assert.DoesNotContain("LineNumber", error);
    }

    [Fact]
    public void A_missing_config_file_is_named_with_its_full_path()
    {
        string error = CoordinatorError("--config", "absent.json");

        Assert.StartsWith("config file absent.json cannot be read (not found; full path ", error);
        Assert.Contains(Path.GetFullPath("absent.json"), error);
    }

    [Fact]
    public void A_config_file_may_be_a_dot_file_and_a_missing_folder_is_reported_like_a_missing_file()
    {
        string config = _files.Write(".run.json", """{"steps": 7}""");

        Assert.Equal(7, Train("--config", config).Optimization.Steps);
        Assert.StartsWith("config file nowhere/run.json cannot be read (not found; full path ", CoordinatorError("--config", "nowhere/run.json"));
    }

    [Fact]
    public void A_config_option_without_a_file_is_an_error()
    {
        Assert.Equal("--config: missing value (expected FILE)", CoordinatorError("--config"));
        Assert.Equal("--config: missing value (expected FILE)", CoordinatorError("--config="));
    }

    [Fact]
    public void A_config_file_must_hold_one_object()
    {
        string config = _files.Write("list.json", "[1, 2]");

        Assert.Equal($"config file {config}: expected a JSON object such as {{\"micro-batch\": 16}}, got a list", CoordinatorError("--config", config));
    }

    [Fact]
    public void Bad_values_and_unknown_keys_name_the_file_and_the_key()
    {
        string config = _files.Write("run.json", """{"micro-batch": 0, "hiden": 8, "steps": {"max": 3}, "task": null}""");

        var errors = CoordinatorErrors("--config", config);

        Assert.Equal(
        [
            $"config file {config}, key \"steps\": expected a string, number, boolean or list of them, got an object",
            $"config file {config}, key \"task\": expected a string, number, boolean or list of them, got null",
            $"config file {config}, key \"micro-batch\": expected an integer in 1..65536, got \"0\"",
            $"config file {config}: unknown key \"hiden\" (did you mean \"hidden\"?)",
        ], errors);
    }

    [Fact]
    public void Keys_of_other_commands_are_skipped_so_one_file_can_serve_train_and_eval()
    {
        string checkpoint = _files.Write("last.safetensors", "");
        string config = _files.Write("run.json", """{"seq-len": 50, "steps": 99, "seed": 3}""");

        var eval = Assert.IsType<EvalOptions>(Succeeds(CoordinatorCommandLine.Read(["eval", "--config", config, "--checkpoint", checkpoint], NoEnvironment)));

        Assert.Equal((50, 3UL), (eval.Data.SeqLen, eval.Seed));
    }

    [Fact]
    public void A_config_file_cannot_name_another()
    {
        string config = _files.Write("run.json", """{"config": "other.json"}""");

        Assert.Equal($"config file {config}: a config file cannot name another (\"config\")", CoordinatorError("--config", config));
    }
}
