using System.Globalization;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>The run around the training: its folder, checkpoints, evaluation and log cadence, and the local workers.</summary>
public sealed record RunOptions
{
    /// <summary>The run folder; null means runs/&lt;start time&gt; (see <see cref="RunFolder"/>).</summary>
    public string? Out { get; init; }

    /// <summary>A checkpoint file, or a run folder whose newest checkpoint is used, to continue from.</summary>
    public string? Resume { get; init; }

    /// <summary>Weights (.safetensors) to start from instead of the seeded initialisation.</summary>
    public string? InitWeights { get; init; }

    public int EvalEvery { get; init; } = 50;

    public int CheckpointEvery { get; init; } = 100;

    /// <summary>How many of the newest checkpoints to keep (the best one is kept as well).</summary>
    public int KeepCheckpoints { get; init; } = 3;

    public int LogEvery { get; init; } = 1;

    /// <summary>Workers inside the coordinator's process; 0 = remote workers only.</summary>
    public int LocalWorkers { get; init; } = 2;

    /// <summary>Intra-op threads of each local worker.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The run folder: <see cref="Out"/>, or runs/yyyyMMdd-HHmmss of the start time (UTC).</summary>
    public string RunFolder(DateTimeOffset startedAt) =>
        Out ?? Path.Combine("runs", startedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    public static readonly IReadOnlyList<Option<RunOptions>> Table =
    [
        Option.Path<RunOptions>("out", "DIR", PathRequirement.None, o => o.Out, (o, v) => o with { Out = v },
            "run folder for the log, metrics.jsonl, plots and checkpoints")
            with { DefaultNote = "runs/<yyyyMMdd-HHmmss>" },
        Option.Path<RunOptions>("resume", "FILE|DIR", PathRequirement.ExistingFileOrDirectory, o => o.Resume, (o, v) => o with { Resume = v },
            "continue from a checkpoint, or from the newest checkpoint of a run folder"),
        Option.Path<RunOptions>("init-weights", "FILE", PathRequirement.ExistingFile, o => o.InitWeights, (o, v) => o with { InitWeights = v },
            "start from these weights (.safetensors) instead of the seeded initialisation"),
        Option.Integer<RunOptions>("eval-every", 1, 100_000_000, o => o.EvalEvery, (o, v) => o with { EvalEvery = v },
            "measure the held-out loss every N steps"),
        Option.Integer<RunOptions>("checkpoint-every", 1, 100_000_000, o => o.CheckpointEvery, (o, v) => o with { CheckpointEvery = v },
            "write a checkpoint every N steps (and always at the end)"),
        Option.Integer<RunOptions>("keep-checkpoints", 1, 1_000_000, o => o.KeepCheckpoints, (o, v) => o with { KeepCheckpoints = v },
            "keep the newest K checkpoints, plus the best"),
        Option.Integer<RunOptions>("log-every", 1, 100_000_000, o => o.LogEvery, (o, v) => o with { LogEvery = v },
            "one training log line every N steps"),
        Option.Integer<RunOptions>("local-workers", 0, 64, o => o.LocalWorkers, (o, v) => o with { LocalWorkers = v },
            "workers inside this process; 0 = none (remote workers only)"),
        Option.Threads<RunOptions>(o => o.Threads, (o, v) => o with { Threads = v }, "TorchSharp intra-op threads of each local worker"),
    ];
}
