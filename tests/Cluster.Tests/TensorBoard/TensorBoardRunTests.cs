using System.Text.Json;
using AttnRnnCluster.Cluster.Tests.Training;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Checkpoints;

namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>
/// A real in-process `train` (actors, TorchSharp, the run folder) writes TensorBoard event files whose scalars, read
/// back with this test's own reader (framing, both checksums, the protobuf), are the run's metrics.jsonl.
/// </summary>
public sealed class TensorBoardRunTests : IDisposable
{
    /// <summary>SmallAdding's global batch of 24 in micro-shards of 5.</summary>
    private const int ShardsPerStep = 5;

    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-tensorboard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_event_file_holds_the_runs_metrics_step_by_step()
    {
        var options = InProcessTraining.SmallAdding(_dir, steps: 12);
        options = options with { Run = options.Run with { EvalEvery = 4 } };

        Assert.Equal(0, await TrainCommand.RunAsync(options, StopSignals.Ignored()));

        string file = Assert.Single(EventFiles.In(_dir));
        var records = EventFiles.Read(file);
        Assert.Equal("brain.Event:2", records[0].FileVersion);
        Assert.All(records.Skip(1), r => Assert.True(r.WallTime > 1.6e9, $"wall time {r.WallTime} is not seconds since 1970"));
        var scalars = EventFiles.Scalars([file]);
        var (train, eval) = Metrics();
        Assert.Equal(Enumerable.Range(1, 12).Select(s => (long)s), train.Select(l => l.GetProperty("step").GetInt64()));

        AssertSeries(scalars[TensorBoardTags.TrainLoss], train, "loss", exact: true);
        AssertSeries(scalars[TensorBoardTags.EvalLoss], eval, "loss", exact: true);
        Assert.Equal([4L, 8, 12], scalars[TensorBoardTags.EvalLoss].Select(p => p.Step));
        AssertSeries(scalars[TensorBoardTags.LearningRate], train, "lr", exact: true);
        AssertSeries(scalars[TensorBoardTags.GradientNorm], train, "grad_norm", exact: true);
        AssertSeries(scalars[TensorBoardTags.WorkersRegistered], train, "workers", exact: true);
        // metrics.jsonl rounds throughput to 2 decimals and times to 3.
        AssertSeries(scalars[TensorBoardTags.ExamplesPerSecond], train, "examples_per_s", exact: false, rounding: 0.005);
        AssertSeries(scalars[TensorBoardTags.StepMs], train, "step_ms", exact: false, rounding: 0.0005);
        AssertSeries(scalars[TensorBoardTags.ComputeSlowestMs], train, "compute_slowest_ms", exact: false, rounding: 0.0005);
        AssertSeries(scalars[TensorBoardTags.ComputeMedianMs], train, "compute_median_ms", exact: false, rounding: 0.0005);
        AssertSeries(scalars[TensorBoardTags.WaitingMs], train, "waiting_ms", exact: false, rounding: 0.0005);
        AssertSeries(scalars[TensorBoardTags.ReduceAndOptimizerMs], train, "reduce_optimizer_ms", exact: false, rounding: 0.0005);
        AssertSeries(scalars[TensorBoardTags.BroadcastMs], train, "broadcast_ms", exact: false, rounding: 0.0005);
        Assert.False(scalars.ContainsKey(TensorBoardTags.TokensPerSecond)); // the adding task has no tokens

        Assert.All(scalars[TensorBoardTags.WorkersActive], p => Assert.Equal(2, p.Value));
        Assert.All(scalars[TensorBoardTags.WorkersExcluded], p => Assert.Equal(0, p.Value));
        // Both local workers have series; at each step's end they have done exactly that many steps' shards between them.
        var shards = new[] { "local-1", "local-2" }.Select(w => scalars[TensorBoardTags.WorkerShardsDone(w)]).ToList();
        for (int i = 0; i < 12; i++)
            Assert.Equal(ShardsPerStep * (i + 1), shards.Sum(s => s[i].Value));
        Assert.All(scalars[TensorBoardTags.WorkerLateness("local-1")].Concat(scalars[TensorBoardTags.WorkerLateness("local-2")]), p => Assert.True(p.Value >= 0));
    }

    [Fact]
    public async Task A_run_resumed_into_its_folder_adds_an_event_file_that_continues_the_curve()
    {
        var first = InProcessTraining.SmallAdding(_dir, steps: 6);
        first = first with { Run = first.Run with { CheckpointEvery = 3 } };
        Assert.Equal(0, await TrainCommand.RunAsync(first, StopSignals.Ignored()));
        var resumed = first with { Optimization = first.Optimization with { Steps = 12 }, Run = first.Run with { Resume = _dir } };

        Assert.Equal(0, await TrainCommand.RunAsync(resumed, StopSignals.Ignored()));

        var files = EventFiles.In(_dir);
        Assert.Equal(2, files.Count);
        Assert.Equal(Enumerable.Range(1, 6).Select(s => (long)s), EventFiles.Scalars([files[0]])[TensorBoardTags.TrainLoss].Select(p => p.Step));
        var (train, _) = Metrics();
        AssertSeries(EventFiles.Scalars(files)[TensorBoardTags.TrainLoss], train, "loss", exact: true);
        Assert.Equal(Enumerable.Range(1, 12).Select(s => (long)s), train.Select(l => l.GetProperty("step").GetInt64()));
    }

    [Fact]
    public async Task Tensorboard_off_writes_no_event_file_and_the_weights_are_the_same_bits_either_way()
    {
        string on = Path.Combine(_dir, "on"), off = Path.Combine(_dir, "off");
        var options = InProcessTraining.SmallAdding(on, steps: 6);
        Assert.Equal(0, await TrainCommand.RunAsync(options, StopSignals.Ignored()));

        Assert.Equal(0, await TrainCommand.RunAsync(options with { Run = options.Run with { Out = off, TensorBoard = false } }, StopSignals.Ignored()));

        Assert.Single(EventFiles.In(on));
        Assert.Empty(EventFiles.In(off));
        Assert.True(File.Exists(Path.Combine(off, "metrics.jsonl")));
        Assert.Equal(LastWeights(on), LastWeights(off));
    }

    private static float[] LastWeights(string runFolder) => CheckpointFiles.Load(Path.Combine(runFolder, "checkpoints", "last.safetensors")).Weights;

    private (List<JsonElement> Train, List<JsonElement> Eval) Metrics()
    {
        var lines = File.ReadAllLines(Path.Combine(_dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        return (lines.Where(l => l.GetProperty("kind").GetString() == "train").ToList(), lines.Where(l => l.GetProperty("kind").GetString() == "eval").ToList());
    }

    /// <summary>
    /// The series has one point per metrics line, at its step, with its value: to float precision (<paramref name="exact"/>:
    /// the float the double rounds to), or within what metrics.jsonl rounded away plus float precision.
    /// </summary>
    private static void AssertSeries(List<(long Step, float Value)> series, List<JsonElement> lines, string property, bool exact, double rounding = 0)
    {
        Assert.Equal(lines.Select(l => l.GetProperty("step").GetInt64()), series.Select(p => p.Step));
        foreach (var (line, point) in lines.Zip(series))
        {
            double expected = line.GetProperty(property).GetDouble();
            if (exact)
                Assert.Equal((float)expected, point.Value);
            else
                Assert.True(Math.Abs(point.Value - expected) <= rounding + Math.Abs(expected) * 1e-6,
                    $"{property} at step {point.Step}: {point.Value} in the event file, {expected} in metrics.jsonl");
        }
    }
}
