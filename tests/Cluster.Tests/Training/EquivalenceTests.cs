using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The orchestrator's promise: the result depends on (seed, settings) only — not on how many workers computed
/// it, and not on stopping and resuming — and it is the plain single-process loop's result.
/// </summary>
public sealed class EquivalenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-equivalence-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task One_two_and_three_workers_give_bitwise_identical_weights()
    {
        var one = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Folder("w1"), steps: 5), workers: 1);
        var two = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Folder("w2"), steps: 5), workers: 2);
        var three = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Folder("w3"), steps: 5), workers: 3);

        Assert.Equal(5, one.Summary.Steps);
        Assert.Equal(one.Weights, two.Weights);
        Assert.Equal(one.Weights, three.Weights);
        Assert.Equal(one.Steps.Select(s => s.Loss), three.Steps.Select(s => s.Loss));
        Assert.Equal(3, three.Steps[^1].Workers);
    }

    [Fact]
    public async Task The_distributed_run_matches_the_plain_loop_on_the_same_batches()
    {
        var options = InProcessTraining.SmallAdding(Folder("dist"), steps: 5);
        var distributed = await InProcessTraining.RunAsync(options, workers: 2);

        var setup = TrainingSetup.Create(options with { Run = options.Run with { Out = Folder("plain") } });
        using var engine = GradientEngines.Create(setup.Master.Config);
        var rule = new UpdateRule(LearningRateSchedule.Constant(options.Optimization.Lr), options.Optimization.Clip);
        var plain = new PlainTrainer(engine, new OptimizerSettings().Create(setup.Master.Layout.TotalSize), rule, setup.Master.Weights);
        plain.Run(step => setup.Data.TrainBatch(step, options.Optimization.Batch), endStep: 5);

        var reference = plain.Weights.ToArray();
        Assert.Equal(reference.Length, distributed.Weights.Length);
        Assert.NotEqual(setup.Master.Weights, reference);
        for (int i = 0; i < reference.Length; i++)
            Assert.True(Math.Abs(reference[i] - distributed.Weights[i]) <= 1e-5 * (1 + Math.Abs(reference[i])),
                $"weight {i}: plain {reference[i]:R}, distributed {distributed.Weights[i]:R}");
    }

    [Fact]
    public async Task Ten_steps_straight_equal_five_then_resume_then_five_bitwise()
    {
        var straight = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Folder("straight"), steps: 10), workers: 2);

        var firstHalf = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Folder("first"), steps: 5), workers: 2);
        string checkpoint = Path.Combine(Folder("first"), "checkpoints", "last.safetensors");
        var resumeOptions = InProcessTraining.SmallAdding(Folder("second"), steps: 10);
        resumeOptions = resumeOptions with { Run = resumeOptions.Run with { Resume = checkpoint } };
        var secondHalf = await InProcessTraining.RunAsync(resumeOptions, workers: 2);

        Assert.Equal(10, secondHalf.Summary.Steps);
        Assert.Equal([6L, 7, 8, 9, 10], secondHalf.Steps.Select(s => s.Step));
        Assert.Equal(straight.Weights, secondHalf.Weights);
        Assert.Equal(straight.Steps.Select(s => s.Loss), firstHalf.Steps.Concat(secondHalf.Steps).Select(s => s.Loss));
        Assert.Equal(straight.Evals.Where(e => e.Step > 5).Select(e => e.Loss), secondHalf.Evals.Select(e => e.Loss));
    }
}
