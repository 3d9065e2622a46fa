using System.Diagnostics;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting.Logging;
using Serilog;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The run as a user follows it: one structured log line per step (or every N), eval lines, the summary;
/// metrics.jsonl and plot.svg in the run folder; checkpoints through <see cref="CheckpointKeeper"/>.
/// </summary>
public sealed class RunJournal : ITrainingJournal, IDisposable
{
    private readonly ILogger _log = Log.ForContext<RunJournal>();
    /// <summary>The step lines, which an interactive terminal's progress line stands for (train.log keeps them).</summary>
    private readonly ILogger _stepLog = Log.ForContext<RunJournal>().ForContext(ConsoleStatusLine.ReplacedOnTerminal, true);
    private readonly MetricsFile _metrics;
    private readonly CheckpointKeeper _checkpoints;
    private readonly int _logEvery;
    private readonly string _title;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(long, double)> _train = [], _eval = [];
    private readonly List<(long, double)> _throughput = [];
    private string? _lastCheckpoint;
    private long _lastCheckpointStep;

    public RunJournal(string runFolder, CheckpointKeeper checkpoints, int logEvery, string title)
    {
        RunFolder = runFolder;
        Directory.CreateDirectory(runFolder);
        _metrics = new MetricsFile(Path.Combine(runFolder, "metrics.jsonl"));
        _checkpoints = checkpoints;
        _logEvery = Math.Max(1, logEvery);
        _title = title;
    }

    public string RunFolder { get; }
    public string PlotPath => Path.Combine(RunFolder, "plot.svg");
    public RunSummary? Summary { get; private set; }

    public void Step(TrainStepReport r)
    {
        _metrics.Write(r, _clock.Elapsed.TotalSeconds);
        _train.Add((r.Step, r.Loss));
        _throughput.Add((r.Step, r.ExamplesPerSecond));
        if (r.Step % _logEvery != 0) return;
        _stepLog.Information(
            "step {Step} loss {Loss:0.######} | {ExamplesPerSecond:0} ex/s{Tokens} | {StepMs:0.0} ms: compute slowest {ComputeSlowestMs:0.0} median {ComputeMedianMs:0.0}, waiting {WaitingMs:0.0}, reduce+optimizer {ReduceMs:0.00}, broadcast {BroadcastMs:0.00} | workers {Workers} | lr {LearningRate:0.####e0} | grad norm {GradientNorm:0.####} | ETA {Eta}",
            r.Step, r.Loss, r.ExamplesPerSecond, r.TokensPerSecond is { } t ? $" {t:0} tok/s" : "", r.StepMs, r.ComputeSlowestMs, r.ComputeMedianMs,
            r.WaitingMs, r.ReduceAndOptimizerMs, r.BroadcastMs, r.Workers, r.LearningRate, r.GradientNorm, ProgressLine.Duration(r.Eta));
    }

    public void Evaluated(EvalReport r)
    {
        _metrics.Write(r, _clock.Elapsed.TotalSeconds);
        _eval.Add((r.Step, r.Loss));
        _log.Information("eval step {Step} held-out loss {EvalLoss:0.######} over {Items} items ({EvalMs:0} ms)", r.Step, r.Loss, r.Items, r.Ms);
        WritePlot();
    }

    public void Checkpoint(long step, bool isBest)
    {
        try
        {
            _lastCheckpoint = _checkpoints.Save(step, isBest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every file of a checkpoint is written to a temporary name and renamed, so the one before is whole.
            throw new CheckpointWriteException($"could not write the checkpoint of step {step} in {_checkpoints.Folder}: {e.Message}", e);
        }
        _lastCheckpointStep = step;
        _log.Information("checkpoint step {Step} written{Best}: {Path}", step, isBest ? " (best so far)" : "", _lastCheckpoint);
    }

    public void Finished(RunSummary s)
    {
        Summary = s;
        WritePlot();
        if (s.Failed)
        {
            if (_lastCheckpoint is { } saved)
                _log.Error("run failed after {Steps} steps: {Reason}. Checkpoint: {Checkpoint}; --resume {RunFolder} continues it", s.Steps, s.Reason, saved, RunFolder);
            else
                _log.Error("run failed after {Steps} steps: {Reason}", s.Steps, s.Reason);
            return;
        }
        if (s.Stopped)
        {
            if (_lastCheckpoint is { } checkpoint)
                _log.Warning("run stopped after {Steps} steps: {Reason}. Checkpoint: {Checkpoint}; --resume {RunFolder} continues it", s.Steps, s.Reason, checkpoint, RunFolder);
            else
                _log.Warning("run stopped after {Steps} steps: {Reason}, with no step since it started: start it again as it was started", s.Steps, s.Reason);
            return;
        }
        // A supervisor that restarts this coordinator with --resume finds the run finished instead of training it on.
        new RunCompletion(s.Steps, s.ReachedTarget, s.LastEvalLoss, s.Reason).Write(RunFolder);
        _log.Information(
            "done: {Reason}. {Steps} steps in {Elapsed}; last train loss {TrainLoss:0.######}, last held-out loss {EvalLoss:0.######}, best {BestLoss:0.######}. Checkpoint: {Checkpoint}. Metrics: {Metrics}. Plot: {Plot}",
            s.Reason, s.Steps, ProgressLine.Duration(s.Elapsed), s.LastTrainLoss, s.LastEvalLoss, s.BestEvalLoss, _lastCheckpoint ?? "(none)", _metrics.Path, PlotPath);
    }

    public void Failed(string doing, Exception error)
    {
        string reason = error is CheckpointWriteException or IOException or UnauthorizedAccessException ? error.Message : error.ToString();
        if (_lastCheckpoint is { } checkpoint)
            _log.Error("run failed while {Doing}: {Reason}. The checkpoint of step {Step} is intact: {Checkpoint}; --resume {RunFolder} continues from it",
                doing, reason, _lastCheckpointStep, checkpoint, RunFolder);
        else if (File.Exists(_checkpoints.LastPath))
            _log.Error("run failed while {Doing}: {Reason}. The checkpoint it started from is intact: {Checkpoint}; --resume {RunFolder} continues from it",
                doing, reason, _checkpoints.LastPath, RunFolder);
        else
            _log.Error("run failed while {Doing}: {Reason}. It wrote no checkpoint: start it again as it was started", doing, reason);
    }

    public void Dispose() => _metrics.Dispose();

    private void WritePlot()
    {
        string svg = MetricsPlot.Render(_train, _eval, _throughput, _title);
        string temp = PlotPath + ".tmp";
        File.WriteAllText(temp, svg);
        File.Move(temp, PlotPath, overwrite: true);
    }
}
