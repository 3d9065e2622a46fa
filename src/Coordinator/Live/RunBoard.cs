using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// The run as the live page shows it, kept up to date as a journal: the coordinator actor reports to it, HTTP
/// requests read <see cref="Snapshot"/> from other threads. Memory stays bounded however long the run: each curve
/// keeps at most <see cref="CurveCapacity"/> points (<see cref="DownsampledCurve"/>), the worker table is the latest
/// step's.
/// </summary>
public sealed class RunBoard : ITrainingJournal
{
    /// <summary>Points kept per curve: more than a chart's width in pixels, little JSON.</summary>
    public const int CurveCapacity = 1024;

    private readonly Lock _lock = new();
    private readonly RunIdentity _identity;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly DownsampledCurve _trainLoss = new(CurveCapacity);
    private readonly DownsampledCurve _evalLoss = new(CurveCapacity);
    private readonly DownsampledCurve _examplesPerSecond = new(CurveCapacity);
    private readonly DownsampledCurve _tokensPerSecond = new(CurveCapacity);
    private long _version;
    private double _elapsedSeconds;
    private RunState _state = RunState.WaitingForWorkers;
    private string? _reason;
    private LatestStep? _latest;
    private CurvePoint? _lastEval;
    private long? _lastCheckpointStep;
    private IReadOnlyList<WorkerStatus> _workers = [];
    private int _workersExcluded;

    public RunBoard(RunIdentity identity, TimeProvider? time = null)
    {
        _identity = identity;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>How many times the board has changed: a snapshot with the same version is the same.</summary>
    public long Version
    {
        get
        {
            lock (_lock) return _version;
        }
    }

    public void Step(TrainStepReport r)
    {
        lock (_lock)
        {
            _state = RunState.Training;
            _latest = new LatestStep(r.Step, r.Loss, r.ExamplesPerSecond, r.TokensPerSecond, r.LearningRate, r.GradientNorm, r.Workers,
                r.Eta?.TotalSeconds, r.StepMs, r.ComputeSlowestMs, r.ComputeMedianMs, r.WaitingMs, r.ReduceAndOptimizerMs, r.BroadcastMs);
            _trainLoss.Add(new CurvePoint(r.Step, r.Loss));
            _examplesPerSecond.Add(new CurvePoint(r.Step, r.ExamplesPerSecond));
            if (r.TokensPerSecond is { } tokens) _tokensPerSecond.Add(new CurvePoint(r.Step, tokens));
            _workers = r.WorkerTable;
            _workersExcluded = r.WorkersExcluded;
            Changed();
        }
    }

    public void Evaluated(EvalReport r)
    {
        lock (_lock)
        {
            _lastEval = new CurvePoint(r.Step, r.Loss);
            _evalLoss.Add(_lastEval.Value);
            Changed();
        }
    }

    public void Checkpoint(long step, bool isBest)
    {
        lock (_lock)
        {
            _lastCheckpointStep = step;
            Changed();
        }
    }

    public void Finished(RunSummary summary)
    {
        lock (_lock)
        {
            _state = summary.Failed ? RunState.Failed : summary.Stopped ? RunState.Stopped : RunState.Finished;
            _reason = summary.Reason;
            Changed();
        }
    }

    public void Failed(string doing, Exception error)
    {
        lock (_lock)
        {
            // The message only: a stack trace is for the log, not for anyone who can reach the page.
            _state = RunState.Failed;
            _reason = $"failed while {doing}: {error.Message}";
            Changed();
        }
    }

    public RunStatus Snapshot()
    {
        lock (_lock)
        {
            return new RunStatus(_version, _identity.RunId, _identity.Description, _identity.Parameters, _identity.MaxSteps, _state, _reason,
                _elapsedSeconds, _latest, _lastEval, _lastCheckpointStep, Curve.Of(_trainLoss.Points()), Curve.Of(_evalLoss.Points()),
                Curve.Of(_examplesPerSecond.Points()), Curve.Of(_tokensPerSecond.Points()), _workers, _workersExcluded);
        }
    }

    private void Changed()
    {
        _version++;
        _elapsedSeconds = _time.GetElapsedTime(_started).TotalSeconds;
    }
}
