namespace AttnRnnCluster.Hosting.Options;

public enum OptimizerKind
{
    Adam,
    Sgd,
}

public enum LrSchedule
{
    /// <summary>The learning rate stays at --lr after warmup.</summary>
    Constant,
    /// <summary>After warmup, the learning rate follows half a cosine from --lr down to 0 at --steps.</summary>
    Cosine,
}

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

    /// <summary>Maximum global gradient norm; 0 = no clipping.</summary>
    public double Clip { get; init; } = 1.0;

    /// <summary>Steps of linear warmup from 0 to --lr.</summary>
    public int Warmup { get; init; }

    public LrSchedule LrSchedule { get; init; } = LrSchedule.Constant;

    public ulong Seed { get; init; }

    public static readonly IReadOnlyList<Option<OptimizationOptions>> Table =
    [
        Option.Integer<OptimizationOptions>("batch", 1, 1 << 20, o => o.Batch, (o, v) => o with { Batch = v },
            "global batch: sequences per optimizer step, over all workers"),
        Option.Integer<OptimizationOptions>("micro-batch", 1, 65_536, o => o.MicroBatch, (o, v) => o with { MicroBatch = v },
            "sequences per micro-shard (one unit of work for a worker); at most --batch"),
        Option.Integer<OptimizationOptions>("steps", 1, 100_000_000, o => o.Steps, (o, v) => o with { Steps = v },
            "step cap: stop after this many optimizer steps at the latest"),
        Option.Number<OptimizationOptions>("target-loss", new NumberValue(0, double.PositiveInfinity), o => o.TargetLoss,
            (o, v) => o with { TargetLoss = v }, "stop when the held-out loss is below this; 0 = run all --steps")
            with { DefaultNote = $"{AddingTargetLoss} for adding, 0 otherwise" },
        Option.Choice<OptimizationOptions, OptimizerKind>("optimizer", o => o.Optimizer, (o, v) => o with { Optimizer = v },
            "the optimizer"),
        Option.Number<OptimizationOptions>("lr", new NumberValue(0, 10, MinExclusive: true), o => o.Lr, (o, v) => o with { Lr = v },
            "learning rate (peak learning rate with a schedule)"),
        Option.Number<OptimizationOptions>("momentum", new NumberValue(0, 1), o => o.Momentum, (o, v) => o with { Momentum = v },
            "momentum of --optimizer sgd"),
        Option.Number<OptimizationOptions>("clip", new NumberValue(0, double.PositiveInfinity), o => o.Clip, (o, v) => o with { Clip = v },
            "clip the global gradient norm to this; 0 = off"),
        Option.Integer<OptimizationOptions>("warmup", 0, 100_000_000, o => o.Warmup, (o, v) => o with { Warmup = v },
            "steps of linear learning-rate warmup from 0"),
        Option.Choice<OptimizationOptions, LrSchedule>("lr-schedule", o => o.LrSchedule, (o, v) => o with { LrSchedule = v },
            "after warmup: constant, or cosine decay to 0 at --steps"),
        Option.Seed<OptimizationOptions>(o => o.Seed, (o, v) => o with { Seed = v },
            "seed of the initial weights, the batches and the held-out set"),
    ];
}
