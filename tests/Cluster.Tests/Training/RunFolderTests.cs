using System.Text.Json;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Model.Checkpoints;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>What a user finds in the run folder after `train`: metrics.jsonl, plot.svg, checkpoints.</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-runfolder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Train_writes_metrics_a_plot_and_the_last_and_best_checkpoints()
    {
        var options = InProcessTraining.SmallAdding(_dir, steps: 12);
        options = options with { Run = options.Run with { EvalEvery = 4, CheckpointEvery = 3, KeepCheckpoints = 2 } };

        Assert.Equal(0, await TrainCommand.RunAsync(options, StopSignals.Ignored()));

        var lines = File.ReadAllLines(Path.Combine(_dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var train = lines.Where(l => l.GetProperty("kind").GetString() == "train").ToList();
        var eval = lines.Where(l => l.GetProperty("kind").GetString() == "eval").ToList();
        Assert.Equal(Enumerable.Range(1, 12), train.Select(l => l.GetProperty("step").GetInt32()));
        Assert.Equal([4, 8, 12], eval.Select(l => l.GetProperty("step").GetInt32()));
        Assert.All(train, l =>
        {
            Assert.True(l.GetProperty("loss").GetDouble() > 0);
            Assert.True(l.GetProperty("examples_per_s").GetDouble() > 0);
            Assert.Equal(2, l.GetProperty("workers").GetInt32());
        });

        string plot = File.ReadAllText(Path.Combine(_dir, "plot.svg"));
        Assert.StartsWith("<svg", plot);
        Assert.Equal(3, plot.Split("<polyline").Length - 1);

        string checkpoints = Path.Combine(_dir, "checkpoints");
        Assert.Equal(12, CheckpointFiles.Load(Path.Combine(checkpoints, "last.safetensors")).Step);
        Assert.True(File.Exists(Path.Combine(checkpoints, "last.optimizer.safetensors")));
        Assert.True(File.Exists(Path.Combine(checkpoints, "best.safetensors")));
        var kept = Directory.GetFiles(checkpoints, "step-*.safetensors").Where(f => !f.Contains(".optimizer.")).Select(Path.GetFileName).Order();
        Assert.Equal(["step-0000009.safetensors", "step-0000012.safetensors"], kept);
    }

    [Fact]
    public async Task A_resume_from_a_missing_checkpoint_is_refused_and_writes_nothing()
    {
        var options = InProcessTraining.SmallAdding(Path.Combine(_dir, "run"), steps: 2);
        options = options with { Run = options.Run with { Resume = Path.Combine(_dir, "nothing-here.safetensors") } };

        Assert.Equal(2, await TrainCommand.RunAsync(options, StopSignals.Ignored()));
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")));
    }
}
