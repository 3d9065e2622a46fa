using System.Globalization;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Coordinator.Options;

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

    /// <summary>TensorBoard event files in the run folder (TensorBoardJournal).</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>On an interactive terminal, one redrawn progress line instead of a log line per step.</summary>
    public bool Progress { get; init; } = true;

    /// <summary>Fault injection for tests and drills: the coordinator actor stops or hangs after step 1.</summary>
    public CoordinatorFault InjectCoordinatorFault { get; init; } = CoordinatorFault.None;

    /// <summary>The run folder: <see cref="Out"/>, or runs/yyyyMMdd-HHmmss of the start time (UTC).</summary>
    public string RunFolder(DateTimeOffset startedAt) =>
        Out ?? Path.Combine("runs", startedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
}

/// <summary>The options that fill a <see cref="RunOptions"/>.</summary>
public sealed class RunOptionGroup
{
    private static readonly RunOptions Defaults = new();

    public LayeredOption<string?> Out { get; } = new("out", OptionalKind.Path("DIR", PathRequirement.None), Defaults.Out,
        "run folder for the log, metrics.jsonl, plots and checkpoints")
    {
        DefaultNote = "runs/<yyyyMMdd-HHmmss>",
    };

    public LayeredOption<string?> Resume { get; } = new("resume", OptionalKind.Path("FILE|DIR", PathRequirement.ExistingFileOrDirectory), Defaults.Resume,
        "continue from a checkpoint, or from the newest checkpoint of a run folder");

    public LayeredOption<string?> InitWeights { get; } = new("init-weights", OptionalKind.Path("FILE", PathRequirement.ExistingFile), Defaults.InitWeights,
        "start from these weights (.safetensors) instead of the seeded initialisation");

    public LayeredOption<int> EvalEvery { get; } = new("eval-every", new IntegerKind(1, 100_000_000), Defaults.EvalEvery,
        "measure the held-out loss every N steps");

    public LayeredOption<int> CheckpointEvery { get; } = new("checkpoint-every", new IntegerKind(1, 100_000_000), Defaults.CheckpointEvery,
        "write a checkpoint every N steps (and always at the end)");

    public LayeredOption<int> KeepCheckpoints { get; } = new("keep-checkpoints", new IntegerKind(1, 1_000_000), Defaults.KeepCheckpoints,
        "keep the newest K checkpoints, plus the best");

    public LayeredOption<int> LogEvery { get; } = new("log-every", new IntegerKind(1, 100_000_000), Defaults.LogEvery,
        "one training log line every N steps");

    public LayeredOption<int> LocalWorkers { get; } = new("local-workers", new IntegerKind(0, 64), Defaults.LocalWorkers,
        "workers inside this process; 0 = none (remote workers only)");

    public LayeredOption<int> Threads { get; } = NodeOptions.Threads(Defaults.Threads, "compute threads of each local worker's model engine (same results whatever N)");

    public LayeredOption<bool> TensorBoard { get; } = new("tensorboard", ChoiceKind.OnOff, Defaults.TensorBoard,
        "write TensorBoard event files into the run folder (tensorboard --logdir runs)");

    public LayeredOption<bool> Progress { get; } = new("progress", ChoiceKind.OnOff, Defaults.Progress,
        "on an interactive terminal, one redrawn progress line instead of a log line per step (train.log keeps every line)");

    public LayeredOption<CoordinatorFault> InjectCoordinatorFault { get; } = new("inject-coordinator-fault", ChoiceKind.Of<CoordinatorFault>(), Defaults.InjectCoordinatorFault,
        "fault injection (tests, drills): after step 1 the coordinator actor stops (as if it crashed) or hangs (as if stuck)");

    public IReadOnlyList<LayeredOption> All => [Out, Resume, InitWeights, EvalEvery, CheckpointEvery, KeepCheckpoints, LogEvery, LocalWorkers, Threads, TensorBoard, Progress, InjectCoordinatorFault];

    public RunOptions Read(OptionValues values) => new()
    {
        Out = values.Get(Out),
        Resume = values.Get(Resume),
        InitWeights = values.Get(InitWeights),
        EvalEvery = values.Get(EvalEvery),
        CheckpointEvery = values.Get(CheckpointEvery),
        KeepCheckpoints = values.Get(KeepCheckpoints),
        LogEvery = values.Get(LogEvery),
        LocalWorkers = values.Get(LocalWorkers),
        Threads = values.Get(Threads),
        TensorBoard = values.Get(TensorBoard),
        Progress = values.Get(Progress),
        InjectCoordinatorFault = values.Get(InjectCoordinatorFault),
    };
}
