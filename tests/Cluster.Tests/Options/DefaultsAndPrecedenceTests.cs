using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Wire;
using Serilog.Events;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class DefaultsAndPrecedenceTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void No_arguments_give_the_main_job_adding_T100_with_two_local_workers()
    {
        var options = Train();

        Assert.Equal(new TrainingOptions(), options);
        Assert.Equal(TaskKind.Adding, options.Data.Task);
        Assert.Equal(100, options.Data.SeqLen);
        Assert.Equal(64, options.Model.Hidden);
        Assert.True(options.Model.Attention);
        Assert.Equal((64, 16), (options.Optimization.Batch, options.Optimization.MicroBatch));
        Assert.Equal(0.01, options.Optimization.TargetLoss);
        Assert.Equal(OptimizerKind.Adam, options.Optimization.Optimizer);
        Assert.Equal(2e-3, options.Optimization.Lr);
        Assert.Equal(2, options.Run.LocalWorkers);
        Assert.Equal(1, options.Run.Threads);
        Assert.False(options.Cluster.Enabled);
        Assert.Equal("127.0.0.1", options.Cluster.Hostname);
        Assert.False(options.Cluster.Tls.Enabled);
        Assert.Equal(LogEventLevel.Information, options.Logging.MinimumLevel);
    }

    [Fact]
    public void The_worker_wait_defaults_to_five_minutes_and_verification_is_off_unless_asked_for()
    {
        Assert.Equal((TimeSpan.FromSeconds(300), 0.0), (Train().Cluster.WorkerWait, Train().Cluster.VerifyFraction));

        var options = Train("--worker-wait", "30", "--verify-fraction", "0.02");

        Assert.Equal((TimeSpan.FromSeconds(30), 0.02), (options.Cluster.WorkerWait, options.Cluster.VerifyFraction));
    }

    [Fact]
    public void The_target_loss_defaults_to_none_for_tasks_other_than_adding_unless_given()
    {
        string data = _files.Write("tiny.txt", "to be or not to be");

        Assert.Equal(0, Train("--task", "text", "--data", data).Optimization.TargetLoss);
        Assert.Equal(1.5, Train("--task", "text", "--data", data, "--target-loss", "1.5").Optimization.TargetLoss);
        Assert.Equal(0, Train("--target-loss", "0").Optimization.TargetLoss);
    }

    [Fact]
    public void Every_source_sets_options_of_every_kind()
    {
        string config = _files.Write("run.json", """{"hidden": 32, "attention": false, "optimizer": "sgd", "lr": 0.5}""");

        var fromConfig = Train("--config", config);
        var fromEnvironment = Train(Environment(("ATTNRNN_HIDDEN", "32"), ("ATTNRNN_ATTENTION", "off"), ("ATTNRNN_OPTIMIZER", "sgd"), ("ATTNRNN_LR", "0.5")));
        var fromCommandLine = Train("--hidden", "32", "--attention", "off", "--optimizer", "sgd", "--lr", "0.5");

        var expected = new TrainingOptions
        {
            Model = new ModelOptions { Hidden = 32, Attention = false },
            Optimization = new OptimizationOptions { Optimizer = OptimizerKind.Sgd, Lr = 0.5 },
        };
        Assert.Equal(expected, fromConfig);
        Assert.Equal(expected, fromEnvironment);
        Assert.Equal(expected, fromCommandLine);
    }

    [Fact]
    public void The_command_line_beats_the_environment_which_beats_the_config_file_which_beats_the_defaults()
    {
        string config = _files.Write("run.json", """{"batch": 32, "micro-batch": 8, "steps": 10, "seed": 7}""");
        var environment = Environment(("ATTNRNN_CONFIG", config), ("ATTNRNN_MICRO_BATCH", "4"), ("ATTNRNN_STEPS", "20"));

        var options = Train(environment, "--steps", "30");

        Assert.Equal(32, options.Optimization.Batch);     // config file over the default 64
        Assert.Equal(4, options.Optimization.MicroBatch); // environment over the config file
        Assert.Equal(30, options.Optimization.Steps);     // command line over both
        Assert.Equal(7UL, options.Optimization.Seed);
        Assert.Equal(100, options.Run.CheckpointEvery);   // untouched default
    }

    [Fact]
    public void The_config_file_named_on_the_command_line_wins_over_ATTNRNN_CONFIG()
    {
        string ignored = _files.Write("env.json", """{"steps": 5}""");
        string chosen = _files.Write("cli.json", """{"steps": 6}""");

        Assert.Equal(6, Train(Environment(("ATTNRNN_CONFIG", ignored)), "--config", chosen).Optimization.Steps);
    }

    [Fact]
    public void Equals_form_and_separate_value_form_mean_the_same_and_the_last_occurrence_wins()
    {
        Assert.Equal(Train("--micro-batch", "8", "--lr", "0.01"), Train("--micro-batch=8", "--lr=0.01"));
        Assert.Equal(8, Train("--micro-batch=4", "--micro-batch", "8").Optimization.MicroBatch);
        // Only the first '=' splits, so a value may contain one; a value may start with a single dash.
        Assert.Equal("a=b", Train("--out=a=b").Run.Out);
        Assert.Equal("-x", Train("--out", "-x").Run.Out);
        // Only --help and -h ask for help: the parser's /h and /? would take these paths for it.
        Assert.Equal("/h", Train("--out", "/h").Run.Out);
        Assert.Equal("/?", Train("--out", "/?").Run.Out);
    }

    [Fact]
    public void Seconds_options_become_time_spans_and_choices_ignore_case()
    {
        var options = Train("--port", "4053", "--start-timeout", "2.5", "--wire-precision", "BF16", "--log-level", "Debug");

        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Cluster.StartTimeout);
        Assert.Equal(WirePrecision.Bf16, options.Cluster.WirePrecision);
        Assert.Equal(LogEventLevel.Debug, options.Logging.MinimumLevel);
    }

    [Fact]
    public void Environment_variables_of_other_commands_are_skipped_and_empty_ones_are_unset()
    {
        var environment = Environment(("ATTNRNN_SEED_NODES", "akka.tcp://attnrnn@10.0.0.1:4053"), ("ATTNRNN_HIDDEN", ""), ("OTHER_TOOL_X", "1"));

        Assert.Equal(new TrainingOptions(), Train(environment));
    }

    [Fact]
    public void The_run_folder_defaults_to_the_start_time()
    {
        var startedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

        Assert.Equal(Path.Combine("runs", "20260304-030607"), new RunOptions().RunFolder(startedAt));
        Assert.Equal("mine", new RunOptions { Out = "mine" }.RunFolder(startedAt));
    }
}
