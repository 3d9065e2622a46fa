using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Checkpoints;

/// <summary>Stopping, saving, loading and continuing gives the same bits as never stopping.</summary>
public sealed class ResumeTests : IDisposable
{
    private static readonly ModelConfig Config = TinyModels.TokensNext;
    private static readonly UpdateRule Rule = new(LearningRateSchedule.WarmupCosine(0.05, 3, 12, 0.005), ClipNorm: 0.5);
    private readonly TempFolder _folder = new();

    public ResumeTests() => Torch.Init();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void A_resumed_run_matches_an_uninterrupted_one_bit_for_bit(OptimizerKind kind)
    {
        var settings = new OptimizerSettings(kind);
        using var engine = new AutogradEngine(Config);
        var initial = ModelInitializer.Initialize(Config, 4);

        var straight = new PlainTrainer(engine, settings.Create(initial.Length), Rule, initial);
        straight.Run(Batch, 10);

        var first = new PlainTrainer(engine, settings.Create(initial.Length), Rule, initial);
        first.Run(Batch, 6);
        string path = _folder.File("step-6.safetensors");
        CheckpointFiles.Save(path, new Checkpoint(Config, first.Weights.ToArray(), first.NextStep, 4), first.Optimizer.Export());

        var checkpoint = CheckpointFiles.Load(path);
        var optimizer = settings.Create(initial.Length);
        optimizer.Import(CheckpointFiles.LoadOptimizer(path, checkpoint));
        var resumed = new PlainTrainer(engine, optimizer, Rule, checkpoint.Weights, checkpoint.Step);
        resumed.Run(Batch, 10);

        Assert.Equal(straight.Weights.ToArray(), resumed.Weights.ToArray());
        Assert.Equal(straight.Optimizer.Export().Buffers.Values.SelectMany(b => b), resumed.Optimizer.Export().Buffers.Values.SelectMany(b => b));
        Assert.NotEqual(initial, resumed.Weights.ToArray());
    }

    private static Batch Batch(long step) => TestBatches.For(Config, [6, 4, 5], steps: 6, seed: 50 + (ulong)step);
}
