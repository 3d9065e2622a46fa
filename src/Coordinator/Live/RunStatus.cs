using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// A snapshot of the run for the live page (served as JSON at /api/status). Only what the page shows: no join token,
/// no file path, no command line. <see cref="Version"/> counts the board's changes, so an unchanged snapshot is known
/// without comparing it.
/// </summary>
public sealed record RunStatus(
    long Version,
    string RunId,
    string Description,
    long Parameters,
    long MaxSteps,
    RunState State,
    string? Reason,
    double ElapsedSeconds,
    LatestStep? Latest,
    CurvePoint? LastEval,
    long? LastCheckpointStep,
    Curve TrainLoss,
    Curve EvalLoss,
    Curve ExamplesPerSecond,
    Curve TokensPerSecond,
    IReadOnlyList<WorkerStatus> Workers,
    int WorkersExcluded);
