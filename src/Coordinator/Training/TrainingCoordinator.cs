using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Runs synchronous data-parallel training. Each step: build the global batch from (seed, step), split it
/// into micro-shards, hand them to workers as their windows free up (faster workers take more), and when
/// every shard has a result, sum them in shard order, step the optimizer and broadcast the new weights.
/// A worker that dies, hangs or sends a bad result loses its shards to the others; a slow one is backed up
/// by an idle one. None of this changes the result: it depends only on (seed, settings), never on who
/// computed what or when.
/// </summary>
public sealed class TrainingCoordinator : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly TrainingPlan _plan;
    private readonly IDataSource _data;
    private readonly MasterState _master;
    private readonly ITrainingJournal _journal;
    private readonly string _runId;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly WorkerRoster _workers = new();
    private readonly ShardTimings _timings = new();
    private readonly Stopwatch _runClock = Stopwatch.StartNew();
    private readonly long _firstStep;
    private ShardRound? _round;
    /// <summary>The next training step's shards, handed out ahead while this step's last results come in.</summary>
    private PreparedRound? _ahead;
    private RoundClock _clock = new();
    private StepOutcome? _pendingStep;
    private double? _lastTrainLoss, _lastEvalLoss, _bestEvalLoss;
    private string? _lastCheckpoint;
    private bool _finished;
    private PayloadTransport _transport = null!;

    public TrainingCoordinator(TrainingPlan plan, IDataSource data, MasterState master, ITrainingJournal journal, string runId)
    {
        _plan = plan;
        _data = data;
        _master = master;
        _journal = journal;
        _runId = runId;
        _firstStep = master.Version + 1;
        Waiting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrainingPlan plan, IDataSource data, MasterState master, ITrainingJournal journal, string runId) =>
        Akka.Actor.Props.Create(() => new TrainingCoordinator(plan, data, master, journal, runId)).WithDispatcher(NodeDispatchers.Coordinator);

    /// <summary>Asks for the run's summary once it has finished (answered at once if it has).</summary>
    public sealed record AwaitCompletion : INoSerializationVerificationNeeded;

    private sealed record Tick : INoSerializationVerificationNeeded;
    private sealed record StartTimedOut : INoSerializationVerificationNeeded;
    private sealed record PreparedRound(ShardRound Round, long Examples, long? Tokens);
    private sealed record StepOutcome(long Step, double Loss, double GradientNorm, double LearningRate, double ReduceMs, double BroadcastMs);

    private readonly List<IActorRef> _completionWaiters = [];
    private RunSummary? _summary;

    protected override void PreStart()
    {
        _transport = PayloadTransport.Get(Context.System);
        Timers.StartSingleTimer("start-timeout", new StartTimedOut(), _plan.StartTimeout);
        _log.Info("Coordinator ready at {0}: waiting for {1} worker(s), step {2} of {3} next", Self.Path, _plan.MinWorkers, _firstStep, _plan.MaxSteps);
    }

    private void Waiting()
    {
        Receive<RegisterWorker>(m =>
        {
            Register(m);
            if (_workers.Count >= _plan.MinWorkers)
            {
                Timers.Cancel("start-timeout");
                _log.Info("{0} of {1} workers joined: training starts at step {2}", _workers.Count, _plan.MinWorkers, _firstStep);
                Become(Training);
                Timers.StartPeriodicTimer("tick", new Tick(), TickInterval);
                StartTrainRound(_firstStep);
            }
            else
            {
                _log.Info("Waiting for {0} more worker(s) before training starts (have {1})", _plan.MinWorkers - _workers.Count, _workers.Count);
            }
        });
        Receive<StartTimedOut>(_ =>
            Finish($"only {_workers.Count} of {_plan.MinWorkers} workers joined within {_plan.StartTimeout.TotalSeconds:0}s", failed: true));
        Receive<Terminated>(m => Forget(m.ActorRef, "stopped"));
        Receive<AwaitCompletion>(_ => _completionWaiters.Add(Sender));
    }

    private void Training()
    {
        Receive<RegisterWorker>(m =>
        {
            if (Register(m)) Dispatch();
        });
        Receive<ShardCompleted>(Completed);
        Receive<ShardFailed>(Failed);
        Receive<Terminated>(m => Forget(m.ActorRef, "stopped (actor or process ended)"));
        Receive<Tick>(_ => CheckTimeouts());
        Receive<AwaitCompletion>(_ =>
        {
            if (_summary != null) Sender.Tell(_summary);
            else _completionWaiters.Add(Sender);
        });
    }

    private bool Register(RegisterWorker m)
    {
        if (m.ProtocolRevision != ProtocolRevision.Current)
        {
            string reason = $"protocol revision {m.ProtocolRevision} is not this coordinator's {ProtocolRevision.Current}: run the same AttnRnnCluster version everywhere";
            _log.Error("Refused worker {0} at {1}: {2}", m.WorkerName, Sender.Path.Address, reason);
            Post(Sender, new WorkerRefused(reason));
            return false;
        }
        if (_workers.IsExcluded(Sender))
        {
            Post(Sender, new WorkerRefused("excluded after repeated bad results"));
            return false;
        }
        var known = _workers.Find(Sender);
        if (known == null)
        {
            known = _workers.Add(Sender, m.WorkerName, m.Capacity, m.Threads);
            Context.Watch(Sender);
            _log.Info("Worker {0} joined (TorchSharp {1}, libtorch {2}, {3} thread(s), window {4}); {5} active",
                known.Describe(), m.TorchSharpVersion, m.LibTorchVersion, m.Threads, known.Capacity, _workers.Count);
        }
        Post(Sender, new WorkerAccepted(_runId, Model.ModelConfigJson.Serialize(_master.Config), _master.Layout.TotalSize));
        Post(Sender, _master.WeightsMessage());
        return true;
    }

    private void StartTrainRound(long step)
    {
        if (_ahead is { } ahead && ahead.Round.Version == step - 1)
        {
            // Built and handed out while the previous step finished: the step's time starts now.
            _ahead = null;
            _round = ahead.Round;
            _round.RestartClocks(DateTime.UtcNow);
            _clock = new RoundClock(0, ahead.Examples, ahead.Tokens);
        }
        else
        {
            var watch = Stopwatch.StartNew();
            var built = BuildTrainRound(step);
            _round = built.Round;
            _clock = new RoundClock(watch.Elapsed.TotalMilliseconds, built.Examples, built.Tokens);
        }
        if (_round.IsComplete) FinishRound();
        else Dispatch();
    }

    private PreparedRound BuildTrainRound(long step)
    {
        var batch = _data.TrainBatch(step - 1, _plan.GlobalBatch);
        var (shards, counts) = Split(batch, _plan.MicroBatch);
        return new PreparedRound(new ShardRound(step - 1, WorkKind.Train, shards, counts, _master.Layout.TotalSize),
            batch.Count, batch.Tokens != null ? batch.LossItems : null);
    }

    private bool EvaluatesAfter(long step) => _data.HeldOut != null && (step % _plan.EvalEvery == 0 || step >= _plan.MaxSteps);

    private void StartEvalRound()
    {
        var heldOut = _data.HeldOut!;
        var (shards, counts) = Split(heldOut, _plan.EvalMicroBatch);
        _round = new ShardRound(_master.Version, WorkKind.Evaluate, shards, counts, 0);
        _clock = new RoundClock(0, heldOut.Count, null);
        Dispatch();
    }

    private static (IReadOnlyList<SequenceBatch>, IReadOnlyList<long>) Split(Batch batch, int shardSize)
    {
        var shards = new List<SequenceBatch>();
        var counts = new List<long>();
        for (int start = 0; start < batch.Count; start += shardSize)
        {
            var shard = batch.Slice(start, Math.Min(shardSize, batch.Count - start));
            shards.Add(shard.ToWire());
            counts.Add(shard.LossItems);
        }
        return (shards, counts);
    }

    /// <summary>
    /// Hands this round's waiting shards to workers with free window slots, in registration order; once all are
    /// out, backs up stragglers and fills the remaining slots with the next step's shards.
    /// </summary>
    private void Dispatch()
    {
        if (_round == null) return;
        HandOut(_round);
        if (_round.HasWaiting) return;
        BackUpStragglers();
        HandOutNextStepAhead();
    }

    private void HandOut(ShardRound round)
    {
        bool gaveWork = true;
        while (round.HasWaiting && gaveWork)
        {
            gaveWork = false;
            foreach (var worker in _workers.All)
            {
                int free = round == _round ? worker.FreeSlotsFor(round.Version, round.Kind) : worker.FreeSlots;
                if (free <= 0 || !round.TryTakeWaiting(out int shard)) continue;
                Send(worker, round, shard, isBackup: false);
                gaveWork = true;
            }
        }
    }

    /// <summary>
    /// The next step's batch does not depend on this step's result, so its shards can travel while this step's
    /// last shards compute; a worker parks them until the new weights arrive and starts at once. Only a step that
    /// surely follows (no evaluation or end of run in between) is handed out ahead. The sum is unchanged: results
    /// are still kept by shard index.
    /// </summary>
    private void HandOutNextStepAhead()
    {
        var round = _round!;
        long step = round.Version + 1;
        if (round.Kind != WorkKind.Train || step >= _plan.MaxSteps || EvaluatesAfter(step)) return;
        _ahead ??= BuildTrainRound(step + 1);
        HandOut(_ahead.Round);
    }

    private void Send(WorkerEntry worker, ShardRound round, int shard, bool isBackup)
    {
        round.MarkSent(shard, worker.Actor, DateTime.UtcNow, isBackup);
        worker.InFlight.Add((round.Version, round.Kind, shard));
        Post(worker.Actor, new ShardAssignment(round.Version, round.Kind, shard, round.Shards[shard]));
    }

    /// <summary>
    /// With nothing left to hand out, an idle worker recomputes a shard that has been out much longer than
    /// is usual; whichever result comes first is used (both are the same bits).
    /// </summary>
    private void BackUpStragglers()
    {
        var round = _round!;
        double? median = _timings.MedianMs;
        if (median == null) return;
        var now = DateTime.UtcNow;
        double limitMs = Math.Max(_plan.StragglerFactor * median.Value, _plan.StragglerMinimum.TotalMilliseconds);
        foreach (var (shard, holders) in round.Outstanding.OrderBy(kv => kv.Key).ToList())
        {
            if (holders.Count != 1) continue;
            var slow = holders[0];
            double ageMs = (now - slow.Since).TotalMilliseconds;
            if (ageMs < limitMs) continue;
            // Shards a worker holds for the next step cannot start before this one ends: it counts as idle.
            var idle = _workers.All.FirstOrDefault(w => !w.Suspect && !w.HoldsWorkOf(round.Version, round.Kind) && !w.Actor.Equals(slow.Worker));
            if (idle == null) return;
            var slowEntry = _workers.Find(slow.Worker);
            _log.Warning(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Straggler: {slowEntry?.Describe() ?? slow.Worker.Path.ToString()} has had shard {shard} of step {round.Version + 1} for {ageMs:0} ms ({ageMs / median.Value:0.0}x the median {median.Value:0} ms); {idle.Describe()} computes it too"));
            Send(idle, round, shard, isBackup: true);
        }
    }

    private void Completed(ShardCompleted result)
    {
        var worker = _workers.Find(Sender);
        if (worker == null)
        {
            _log.Debug("Dropped a result from unregistered {0}", Sender.Path);
            return;
        }
        var key = (result.Version, result.Kind, result.ShardIndex);
        bool wasAssigned = worker.InFlight.Remove(key);
        if (worker.Suspect && wasAssigned)
        {
            worker.Suspect = false;
            _log.Info("Worker {0} answered again", worker.Describe());
        }
        if (_round == null || !wasAssigned)
        {
            if (!wasAssigned) _log.Warning("Dropped a result from {0} for shard {1} of version {2} that was not assigned to it", worker.Describe(), result.ShardIndex, result.Version);
            Dispatch();
            return;
        }
        // A result for the step handed out ahead can only come after its weights, i.e. after that step started;
        // it is kept with its own round all the same, so no accounting depends on that.
        var round = _ahead?.Round is { } ahead && ahead.Version == result.Version && ahead.Kind == result.Kind ? ahead : _round;
        var heldSince = round.Outstanding.FirstOrDefault(kv => kv.Key == result.ShardIndex).Value?.FirstOrDefault(h => h.Worker.Equals(Sender))?.Since;
        var verdict = round.Offer(Sender, result, out string? problem);
        switch (verdict)
        {
            case ResultVerdict.Accepted when round == _round:
                if (heldSince != null) _timings.Add((DateTime.UtcNow - heldSince.Value).TotalMilliseconds);
                _clock.Compute(worker.Name, result.ComputeMilliseconds);
                break;
            case ResultVerdict.Accepted:
                break;
            case ResultVerdict.Invalid:
                worker.BadResults++;
                _log.Warning("Rejected a result from {0} ({1} bad so far): {2}; the shard is computed again", worker.Describe(), worker.BadResults, problem!);
                if (worker.BadResults >= _plan.MaxBadResults) Exclude(worker);
                break;
            case ResultVerdict.Duplicate:
                _log.Debug("Dropped a second result for shard {0} from {1}", result.ShardIndex, worker.Describe());
                break;
            case ResultVerdict.OtherRound:
                break;
        }
        if (_round.IsComplete) FinishRound();
        else Dispatch();
    }

    private void Failed(ShardFailed failure)
    {
        var worker = _workers.Find(Sender);
        if (worker == null) return;
        worker.InFlight.Remove((failure.Version, failure.Kind, failure.ShardIndex));
        foreach (var round in new[] { _round, _ahead?.Round })
        {
            if (round == null || failure.Version != round.Version || failure.Kind != round.Kind) continue;
            _log.Warning("Worker {0} could not compute shard {1} of step {2}: {3}", worker.Describe(), failure.ShardIndex, round.Version + 1, failure.Reason);
            round.Release(Sender, failure.ShardIndex);
        }
        Dispatch();
    }

    private void Exclude(WorkerEntry worker)
    {
        _log.Error("Excluded worker {0} after {1} bad results", worker.Describe(), worker.BadResults);
        Post(worker.Actor, new WorkerRefused($"excluded after {worker.BadResults} bad results"));
        Context.Unwatch(worker.Actor);
        ReleaseAll(worker.Actor);
        _workers.Exclude(worker);
    }

    private void Forget(IActorRef actor, string why)
    {
        var worker = _workers.Find(actor);
        if (worker == null) return;
        _workers.Remove(actor);
        Context.Unwatch(actor);
        int requeued = ReleaseAll(actor);
        _log.Warning("Worker {0} {1}; {2} of its shard(s) go back to the queue; {3} active", worker.Describe(), why, requeued, _workers.Count);
        if (_workers.Count == 0) _log.Warning("No workers left: training waits for one to join");
        Dispatch();
    }

    /// <summary>Every shard the worker holds, of this step and of the next, goes back to its queue. Returns how many.</summary>
    private int ReleaseAll(IActorRef actor) => (_round?.ReleaseAll(actor) ?? 0) + (_ahead?.Round.ReleaseAll(actor) ?? 0);

    /// <summary>Only this round's shards can time out: those handed out ahead start their clocks when their step does.</summary>
    private void CheckTimeouts()
    {
        if (_round == null) return;
        var now = DateTime.UtcNow;
        foreach (var (shard, holders) in _round.Outstanding.ToList())
        {
            foreach (var holder in holders.ToList())
            {
                if (now - holder.Since < _plan.ShardTimeout) continue;
                var worker = _workers.Find(holder.Worker);
                _log.Warning("Shard {0} of version {1} has been with {2} for more than {3:0.#}s (shard timeout): it goes to another worker",
                    shard, _round.Version, worker?.Describe() ?? holder.Worker.Path.ToString(), _plan.ShardTimeout.TotalSeconds);
                if (worker != null) worker.Suspect = true;
                _round.Release(holder.Worker, shard);
            }
        }
        Dispatch();
    }

    private void FinishRound()
    {
        var round = _round!;
        _round = null;
        if (round.Kind == WorkKind.Train) FinishTrainRound(round);
        else FinishEvalRound(round);
    }

    private void FinishTrainRound(ShardRound round)
    {
        long step = round.Version + 1;
        var reduce = Stopwatch.StartNew();
        StepUpdate update;
        try
        {
            update = _master.Apply(round.ResultsInShardOrder());
        }
        catch (InvalidOperationException e)
        {
            Finish(e.Message, failed: true);
            return;
        }
        double reduceMs = reduce.Elapsed.TotalMilliseconds;
        var broadcast = Stopwatch.StartNew();
        Broadcast();
        double broadcastMs = broadcast.Elapsed.TotalMilliseconds;
        _lastTrainLoss = update.Loss;
        _pendingStep = new StepOutcome(step, update.Loss, update.GradientNorm, update.LearningRate, reduceMs, broadcastMs);
        ReportStep(_pendingStep);
        if (EvaluatesAfter(step))
            StartEvalRound();
        else
            AfterStep(step, evaluated: false);
    }

    private void FinishEvalRound(ShardRound round)
    {
        var results = round.ResultsInShardOrder();
        double lossSum = 0;
        long items = 0;
        foreach (var r in results)
        {
            lossSum += r.LossSum;
            items += r.Count;
        }
        double loss = _master.ReportedLoss(lossSum, items);
        _lastEvalLoss = loss;
        _journal.Evaluated(new EvalReport(round.Version, loss, items, _clock.ElapsedMs));
        AfterStep(round.Version, evaluated: true);
    }

    private void AfterStep(long step, bool evaluated)
    {
        bool best = evaluated && (_bestEvalLoss == null || _lastEvalLoss < _bestEvalLoss);
        if (best) _bestEvalLoss = _lastEvalLoss;
        bool reachedTarget = evaluated && _plan.TargetLoss != null && _lastEvalLoss < _plan.TargetLoss;
        bool last = reachedTarget || step >= _plan.MaxSteps;
        if (best || last || step % _plan.CheckpointEvery == 0)
            _lastCheckpoint = _journal.Checkpoint(step, best) ?? _lastCheckpoint;
        if (reachedTarget) Finish($"held-out loss {_lastEvalLoss:0.#####} is below the target {_plan.TargetLoss} after step {step}", reached: true);
        else if (last) Finish($"reached the step cap ({_plan.MaxSteps})");
        else StartTrainRound(step + 1);
    }

    private void Broadcast()
    {
        _transport.Tell(_workers.All.Select(w => w.Actor).ToList(), _master.WeightsMessage(), Self);
    }

    private void ReportStep(StepOutcome outcome)
    {
        double stepMs = _clock.ElapsedMs;
        double examplesPerSecond = _clock.Examples / (stepMs / 1000.0);
        double? tokensPerSecond = _clock.Tokens / (stepMs / 1000.0);
        long remaining = _plan.MaxSteps - outcome.Step;
        _timings.AddStep(stepMs);
        TimeSpan? eta = remaining > 0 && _timings.MeanStepMs != null ? TimeSpan.FromMilliseconds(remaining * _timings.MeanStepMs.Value) : TimeSpan.Zero;
        double waiting = Math.Max(0, stepMs - _clock.BuildMs - outcome.ReduceMs - outcome.BroadcastMs - _clock.SlowestComputeMs);
        _journal.Step(new TrainStepReport(outcome.Step, outcome.Loss, examplesPerSecond, tokensPerSecond, stepMs,
            _clock.SlowestComputeMs, _clock.MedianComputeMs, waiting, outcome.ReduceMs, outcome.BroadcastMs,
            _workers.Count, outcome.LearningRate, outcome.GradientNorm, eta));
    }

    /// <summary>Every protocol message goes through the payload transport: large ones to remote workers travel in chunks.</summary>
    private void Post(IActorRef to, IProtocolMessage message) => _transport.Tell(to, message, Self);

    private void Finish(string reason, bool reached = false, bool failed = false)
    {
        if (_finished) return;
        _finished = true;
        _ahead = null;
        Timers.CancelAll();
        foreach (var worker in _workers.All) Post(worker.Actor, new TrainingFinished(reason));
        _summary = new RunSummary(_master.Version, _lastTrainLoss, _lastEvalLoss, _bestEvalLoss, reached, reason, _runClock.Elapsed, _lastCheckpoint, failed);
        _journal.Finished(_summary);
        foreach (var waiter in _completionWaiters) waiter.Tell(_summary);
        _completionWaiters.Clear();
        Become(() =>
        {
            Receive<AwaitCompletion>(_ => Sender.Tell(_summary));
            ReceiveAny(_ => { });
        });
    }
}
