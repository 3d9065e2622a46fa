using System.Globalization;
using System.Text.Json;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Options;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>`eval` and `sample` on checkpoints that `train` wrote.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EvalAndSampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-eval-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> TrainText()
    {
        string text = Path.Combine(_dir, "tiny.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("the cat sat on the mat. a dog ran in the fog. ", 40)));
        var options = new TrainingOptions
        {
            Data = new DataOptions { Task = TaskKind.Text, Data = text, SeqLen = 16, HeldOut = 20 },
            Model = new ModelOptions { Hidden = 16, Embed = 8 },
            Optimization = new OptimizationOptions { Batch = 16, MicroBatch = 8, Steps = 30, TargetLoss = 0, Lr = 1e-2 },
            Run = new RunOptions { Out = Path.Combine(_dir, "run"), EvalEvery = 10, CheckpointEvery = 10, LocalWorkers = 1 },
        };
        Assert.Equal(0, await TrainCommand.RunAsync(options, StopSignals.Ignored()));
        return Path.Combine(_dir, "run", "checkpoints", "last.safetensors");
    }

    private static (int Code, string Output) Capture(Func<int> command)
    {
        var previous = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            return (command(), output.ToString());
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    /// <summary>
    /// The figure a command prints last. The executables send their log to standard error, but in this test process the
    /// global logger another test left behind may still write to the console (and so into the capture) first.
    /// </summary>
    private static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    [Fact]
    public async Task Sample_continues_the_prompt_from_the_vocabulary_and_the_same_seed_gives_the_same_text()
    {
        string checkpoint = await TrainText();
        var options = new SampleOptions { Checkpoint = checkpoint, Prompt = "the ", Length = 40, Temperature = 0.8, Seed = 5 };

        var (code, first) = Capture(() => SampleCommand.Run(options));
        var (_, again) = Capture(() => SampleCommand.Run(options));
        var (_, other) = Capture(() => SampleCommand.Run(options with { Seed = 6 }));

        Assert.Equal(0, code);
        string sample = first.TrimEnd('\n');
        Assert.StartsWith("the ", sample);
        Assert.Equal(44, sample.Length);
        Assert.All(sample, c => Assert.Contains(c, "the cat sonmd.grfai"));
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Eval_reports_the_held_out_loss_and_refuses_a_prompt_outside_the_vocabulary()
    {
        string checkpoint = await TrainText();
        var data = new DataOptions { Task = TaskKind.Text, Data = Path.Combine(_dir, "tiny.txt"), SeqLen = 16, HeldOut = 20 };

        var (code, output) = Capture(() => EvalCommand.Run(new EvalOptions { Checkpoint = checkpoint, Data = data }));
        var (sampleCode, _) = Capture(() => SampleCommand.Run(new SampleOptions { Checkpoint = checkpoint, Prompt = "XYZ" }));

        Assert.Equal(0, code);
        double loss = double.Parse(LastLine(output), CultureInfo.InvariantCulture);
        Assert.InRange(loss, 0.0, Math.Log(19));
        Assert.Equal(2, sampleCode);
    }

    [Fact]
    public async Task Jsonl_without_an_eval_file_holds_out_its_last_sequences_and_eval_measures_the_runs_held_out_loss()
    {
        string file = Path.Combine(_dir, "sums.jsonl");
        File.WriteAllLines(file, Enumerable.Range(0, 40).Select(i =>
            $"{{\"x\": [[{i % 7 / 7.0:R}], [{i % 5 / 5.0:R}]], \"y\": {i % 7 / 7.0 + i % 5 / 5.0:R}}}"));
        var data = new DataOptions { Task = TaskKind.Jsonl, Data = file, HeldOut = 8 };
        var options = new TrainingOptions
        {
            Data = data,
            Model = new ModelOptions { Hidden = 8 },
            Optimization = new OptimizationOptions { Batch = 16, MicroBatch = 8, Steps = 20, TargetLoss = 0, Lr = 1e-2 },
            Run = new RunOptions { Out = Path.Combine(_dir, "run"), EvalEvery = 10, CheckpointEvery = 10, LocalWorkers = 1 },
        };
        Assert.Equal(0, await TrainCommand.RunAsync(options, StopSignals.Ignored()));
        var evaluations = File.ReadLines(Path.Combine(_dir, "run", "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("kind").GetString() == "eval")
            .ToList();
        string checkpoint = Path.Combine(_dir, "run", "checkpoints", "last.safetensors");

        var (code, output) = Capture(() => EvalCommand.Run(new EvalOptions { Checkpoint = checkpoint, Data = data }));

        Assert.Equal([10L, 20L], evaluations.Select(line => line.GetProperty("step").GetInt64()));
        Assert.Equal(0, code);
        double runsLoss = evaluations[^1].GetProperty("loss").GetDouble();
        Assert.Equal(runsLoss, double.Parse(LastLine(output), CultureInfo.InvariantCulture), runsLoss * 1e-6);
    }
}

/// <summary>Tests that redirect Console.Out run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
