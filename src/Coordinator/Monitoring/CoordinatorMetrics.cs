using AttnRnnCluster.Coordinator.Training;
using Prometheus;
using Serilog;

namespace AttnRnnCluster.Coordinator.Monitoring;

/// <summary>
/// The run on /metrics, fed as a journal: each step report sets the gauges and feeds the step-time histograms; each
/// evaluation sets the held-out loss. Per-worker series carry the worker's name as a label; at most
/// <see cref="MaxWorkerLabels"/> workers are labelled at a time (names cut to <see cref="MaxNameLength"/> characters),
/// and a worker that left the table loses its series, so a churn of workers cannot grow the scrape without bound.
/// </summary>
public sealed class CoordinatorMetrics : ITrainingJournal
{
    public const int MaxWorkerLabels = 64;
    public const int MaxNameLength = 64;

    /// <summary>0.5 ms to about a minute, doubling: a step of a tiny model to a shard of a large one.</summary>
    private static readonly double[] SecondsBuckets = Histogram.ExponentialBuckets(0.0005, 2, 18);

    /// <summary>A value the run has not reported yet is absent from the scrape, not a misleading 0.</summary>
    private static readonly GaugeConfiguration Unset = new() { SuppressInitialValue = true };

    private readonly Gauge _step, _trainLoss, _evalLoss, _examplesPerSecond, _tokensPerSecond, _learningRate, _gradientNorm, _workers;
    private readonly Histogram _stepSeconds, _partSeconds;
    private readonly Counter _badResults;
    private readonly Gauge _workerShards, _workerLateness, _workerBadResults, _workerActive;
    private readonly HashSet<string> _labelled = [];
    private bool _toldOfLabelLimit;

    public CoordinatorMetrics(CollectorRegistry registry)
    {
        var metrics = Metrics.WithCustomRegistry(registry);
        _step = metrics.CreateGauge("attnrnn_step", "Training steps done (the step of the latest report)", Unset);
        _trainLoss = metrics.CreateGauge("attnrnn_train_loss", "Training loss of the latest step (mean per item)", Unset);
        _evalLoss = metrics.CreateGauge("attnrnn_eval_loss", "Held-out loss of the latest evaluation", Unset);
        _examplesPerSecond = metrics.CreateGauge("attnrnn_examples_per_second", "Training sequences per second over the latest step", Unset);
        _tokensPerSecond = metrics.CreateGauge("attnrnn_tokens_per_second", "Training tokens per second over the latest step (text tasks; 0 otherwise)", Unset);
        _learningRate = metrics.CreateGauge("attnrnn_learning_rate", "Learning rate of the latest step", Unset);
        _gradientNorm = metrics.CreateGauge("attnrnn_gradient_norm", "Global gradient norm of the latest step, before clipping", Unset);
        _workers = metrics.CreateGauge("attnrnn_workers", "Workers by state: active (gets work), silent (past the shard timeout), excluded (refused for bad results)", "state");
        _stepSeconds = metrics.CreateHistogram("attnrnn_step_seconds", "Wall time of a whole training step",
            new HistogramConfiguration { Buckets = SecondsBuckets });
        _partSeconds = metrics.CreateHistogram("attnrnn_step_part_seconds",
            "Parts of a training step: compute_slowest (the slowest worker's compute), compute_median, waiting (for results beyond compute), reduce_optimizer, broadcast",
            new HistogramConfiguration { Buckets = SecondsBuckets, LabelNames = ["part"] });
        _badResults = metrics.CreateCounter("attnrnn_bad_results_total",
            "Bad results of the run by kind: invalid (failed validation), outlier (non-finite or absurd, contradicted), failed (a shard the worker could not compute), verification (differs bit for bit)",
            "kind");
        _workerShards = metrics.CreateGauge("attnrnn_worker_shards_done", "Training shards whose result was kept, per worker (since it registered)", "worker");
        _workerLateness = metrics.CreateGauge("attnrnn_worker_lateness_seconds", "How much longer the worker's latest shard took than the run's median shard time", "worker");
        _workerBadResults = metrics.CreateGauge("attnrnn_worker_bad_results", "Bad results counted against the worker", "worker");
        _workerActive = metrics.CreateGauge("attnrnn_worker_active", "1 while the worker gets work, 0 while it is silent", "worker");
        foreach (var kind in Enum.GetValues<BadResultKind>()) _badResults.WithLabels(Label(kind)).IncTo(0);
    }

    public void Step(TrainStepReport r)
    {
        _step.Set(r.Step);
        _trainLoss.Set(r.Loss);
        _examplesPerSecond.Set(r.ExamplesPerSecond);
        _tokensPerSecond.Set(r.TokensPerSecond ?? 0);
        _learningRate.Set(r.LearningRate);
        _gradientNorm.Set(r.GradientNorm);
        _stepSeconds.Observe(r.StepMs / 1000);
        _partSeconds.WithLabels("compute_slowest").Observe(r.ComputeSlowestMs / 1000);
        _partSeconds.WithLabels("compute_median").Observe(r.ComputeMedianMs / 1000);
        _partSeconds.WithLabels("waiting").Observe(r.WaitingMs / 1000);
        _partSeconds.WithLabels("reduce_optimizer").Observe(r.ReduceAndOptimizerMs / 1000);
        _partSeconds.WithLabels("broadcast").Observe(r.BroadcastMs / 1000);
        _workers.WithLabels("active").Set(r.WorkerTable.Count(w => w.State == WorkerState.Active));
        _workers.WithLabels("silent").Set(r.WorkerTable.Count(w => w.State == WorkerState.Silent));
        _workers.WithLabels("excluded").Set(r.WorkersExcluded);
        foreach (var (kind, count) in r.BadResults) _badResults.WithLabels(Label(kind)).IncTo(count);
        Workers(r.WorkerTable);
    }

    private void Workers(IReadOnlyList<WorkerStatus> table)
    {
        var rows = new Dictionary<string, WorkerStatus>();
        foreach (var worker in table)
            rows.TryAdd(worker.Name.Length <= MaxNameLength ? worker.Name : worker.Name[..MaxNameLength], worker);
        // Workers gone first, so that their places go to the newcomers.
        foreach (string gone in _labelled.Where(name => !rows.ContainsKey(name)).ToList())
        {
            _labelled.Remove(gone);
            foreach (var gauge in new[] { _workerShards, _workerLateness, _workerBadResults, _workerActive })
                gauge.RemoveLabelled(gone);
        }
        foreach (var (name, worker) in rows)
        {
            if (!_labelled.Contains(name))
            {
                if (_labelled.Count >= MaxWorkerLabels)
                {
                    if (!_toldOfLabelLimit)
                        Log.Warning("/metrics labels at most {Max} workers at a time: {Worker} and later ones have no per-worker series", MaxWorkerLabels, name);
                    _toldOfLabelLimit = true;
                    continue;
                }
                _labelled.Add(name);
            }
            _workerShards.WithLabels(name).Set(worker.ShardsDone);
            _workerLateness.WithLabels(name).Set(worker.LatenessMs / 1000);
            _workerBadResults.WithLabels(name).Set(worker.BadResults);
            _workerActive.WithLabels(name).Set(worker.State == WorkerState.Active ? 1 : 0);
        }
    }

    public void Evaluated(EvalReport report) => _evalLoss.Set(report.Loss);

    public void Checkpoint(long step, bool isBest)
    {
    }

    public void Finished(RunSummary summary)
    {
    }

    public void Failed(string doing, Exception error)
    {
    }

    private static string Label(BadResultKind kind) => kind.ToString().ToLowerInvariant();
}
