using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>How the weights are fitted: batches, optimizer, schedule, when to stop, and the seed.</summary>
public sealed record OptimizationOptions
{
    /// <summary>The adding task's default <see cref="TargetLoss"/>; other tasks default to 0 (no target).</summary>
    public const double AddingTargetLoss = 0.01;

    /// <summary>Global batch: sequences (text: windows) per optimizer step, over all workers.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Sequences per micro-shard, the unit of work a worker computes.</summary>
    public int MicroBatch { get; init; } = 16;

    /// <summary>Step cap: training stops after this many optimizer steps at the latest.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Stop as soon as the held-out loss is below this; 0 = never stop early.</summary>
    public double TargetLoss { get; init; } = AddingTargetLoss;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public double Lr { get; init; } = 2e-3;

    /// <summary>SGD momentum (SGD only).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>AdamW's decoupled weight decay (every parameter shrinks by lr * this per step); 0 = plain Adam.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Maximum global gradient norm; 0 = no clipping.</summary>
    public double Clip { get; init; } = 1.0;

    /// <summary>Steps of linear warmup from 0 to --lr.</summary>
    public int Warmup { get; init; }

    public LrSchedule LrSchedule { get; init; } = LrSchedule.Constant;

    public ulong Seed { get; init; }
}

/// <summary>The options that fill an <see cref="OptimizationOptions"/>.</summary>
public sealed class OptimizationOptionGroup
{
    private static readonly OptimizationOptions Defaults = new();

    public LayeredOption<int> Batch { get; } = new("batch", new IntegerKind(1, 1 << 20), Defaults.Batch,
        "global batch: sequences per optimizer step, over all workers");

    public LayeredOption<int> MicroBatch { get; } = new("micro-batch", new IntegerKind(1, 65_536), Defaults.MicroBatch,
        "sequences per micro-shard (one unit of work for a worker); at most --batch");

    public LayeredOption<int> Steps { get; } = new("steps", new IntegerKind(1, 100_000_000), Defaults.Steps,
        "step cap: stop after this many optimizer steps at the latest");

    /// <summary>Its default depends on the task: see <see cref="TrainingOptions"/>.</summary>
    public LayeredOption<double> TargetLoss { get; } = new("target-loss", new NumberKind(0, double.PositiveInfinity), Defaults.TargetLoss,
        "stop when the held-out loss is below this; 0 = run all --steps")
    {
        DefaultNote = $"{OptimizationOptions.AddingTargetLoss} for adding, 0 otherwise",
    };

    public LayeredOption<OptimizerKind> Optimizer { get; } = new("optimizer", ChoiceKind.Of<OptimizerKind>(), Defaults.Optimizer, "the optimizer");

    public LayeredOption<double> Lr { get; } = new("lr", new NumberKind(0, 10, MinExclusive: true), Defaults.Lr,
        "learning rate (peak learning rate with a schedule)");

    public LayeredOption<double> Momentum { get; } = new("momentum", new NumberKind(0, 1), Defaults.Momentum, "momentum of --optimizer sgd");

    public LayeredOption<double> WeightDecay { get; } = new("weight-decay", new NumberKind(0, 1), Defaults.WeightDecay,
        "AdamW's decoupled weight decay (torch.optim.AdamW's weight_decay); 0 = plain Adam");

    public LayeredOption<double> Clip { get; } = new("clip", new NumberKind(0, double.PositiveInfinity), Defaults.Clip,
        "clip the global gradient norm to this; 0 = off");

    public LayeredOption<int> Warmup { get; } = new("warmup", new IntegerKind(0, 100_000_000), Defaults.Warmup,
        "steps of linear learning-rate warmup from 0");

    public LayeredOption<LrSchedule> LrSchedule { get; } = new("lr-schedule", ChoiceKind.Of<LrSchedule>(), Defaults.LrSchedule,
        "after warmup: constant, or cosine decay to --lr/10 at --steps");

    public LayeredOption<ulong> Seed { get; } = CoordinatorOptions.Seed(Defaults.Seed, "seed of the initial weights, the batches and the held-out set");

    public IReadOnlyList<LayeredOption> All => [Batch, MicroBatch, Steps, TargetLoss, Optimizer, Lr, Momentum, WeightDecay, Clip, Warmup, LrSchedule, Seed];

    public OptimizationOptions Read(OptionValues values) => new()
    {
        Batch = values.Get(Batch),
        MicroBatch = values.Get(MicroBatch),
        Steps = values.Get(Steps),
        TargetLoss = values.Get(TargetLoss),
        Optimizer = values.Get(Optimizer),
        Lr = values.Get(Lr),
        Momentum = values.Get(Momentum),
        WeightDecay = values.Get(WeightDecay),
        Clip = values.Get(Clip),
        Warmup = values.Get(Warmup),
        LrSchedule = values.Get(LrSchedule),
        Seed = values.Get(Seed),
    };
}
