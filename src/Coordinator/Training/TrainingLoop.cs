using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Synchronous data-parallel training as plain code: it takes events (a worker joined or was lost, a result, a failure,
/// progress, time passing) and emits actions (send, broadcast, report, checkpoint, finish), in order, which the
/// coordinator actor performs as they come. Time comes from a <see cref="TimeProvider"/>: tests use a fake clock.
/// A step, top to bottom: <see cref="StartStep"/> builds the batch from (seed, step) and splits it into micro-shards;
/// <see cref="Dispatch"/> hands shards to workers as their windows free up, then backs up stragglers and hands out the
/// next step ahead; <see cref="OnResult"/> keeps the first valid result of each shard (an audited shard, with
/// --verify-fraction, or a non-finite result waits for a second worker's answer); <see cref="FinishStep"/> has absurd
/// gradients recomputed, sums the results in shard order, steps the optimizer, broadcasts the weights and reports;
/// <see cref="AfterStep"/> evaluates, checkpoints, stops or goes on. Faults (<see cref="OnFailure"/>, <see cref="Forget"/>,
/// <see cref="OnTick"/>): a failed, lost or silent worker's shards go back to the queue, for another worker first; bad
/// results and failures exclude a worker at --max-bad-results; a round nobody can compute fails the run after
/// --worker-wait. The result depends only on (seed, settings), never on who computed what or when.
/// </summary>
public sealed class TrainingLoop(TrainingPlan plan, IDataSource data, MasterState master, string runId, TimeProvider time, Action<ITrainingAction> act)
{
    private readonly WorkerRoster _workers = new();
    /// <summary>Bad results of the whole run by kind, reported with each step.</summary>
    private readonly long[] _badResults = new long[Enum.GetValues<BadResultKind>().Length];
    private readonly ShardTimings _timings = new();
    private readonly long _createdAt = time.GetTimestamp();
    private readonly long _firstStep = master.Version + 1;
    /// <summary>The step of the newest checkpoint: a resumed run's starts out saved.</summary>
    private long _checkpointed = master.Version;
    private bool _started;
    /// <summary>The round being computed: a training step, or the evaluation after one.</summary>
    private ShardRound? _round;
    /// <summary>The next step's shards, handed out ahead while this step's last results come in.</summary>
    private ShardRound? _ahead;
    private StepClock _clock = new(time);
    private double? _lastTrainLoss, _lastEvalLoss, _bestEvalLoss;
    /// <summary>Since when (a timestamp) no worker could take the round's work; null while one can.</summary>
    private long? _idleSince;
    private bool _warnedUnverifiable;
    /// <summary>The chain data plane: the step being summed along its hops (planned hop by hop as its results come in, complete once its round is), or null.</summary>
    private ChainReduce? _reduce;
    /// <summary>The chain data plane: the newest weights on their way down the chain, until every worker of it has them.</summary>
    private RelayedWeights? _relayed;
    private (long Version, int Attempt) _lastPlan = (-1, -1);

    private bool Chain => plan.DataPlane == DataPlane.Chain;

    /// <summary>How the run ended; null while it goes on.</summary>
    public RunSummary? Summary { get; private set; }

    public void Start() => Do(Note.Info($"Coordinator ready: waiting for {plan.MinWorkers} worker(s), step {_firstStep} of {plan.MaxSteps} next"));

    public void Handle(ITrainingEvent e)
    {
        if (Summary != null)
        {
            // A worker that joins a finished run is told so at once, instead of waiting for work that never comes.
            if (e is WorkerRegistered late) Do(new Send(late.Worker, new TrainingFinished(Summary.Reason)));
            return;
        }
        switch (e)
        {
            case WorkerRegistered joined: Register(joined); break;
            case ResultReceived received: OnResult(received.Worker, received.Result); break;
            case FailureReceived failed: OnFailure(failed.Worker, failed.Failure); break;
            case ProgressReceived progress: Heard(progress.Worker); break;
            case WorkerLost lost: Forget(lost.Worker, lost.Why); break;
            case StopRequested stop: Stop(stop.Reason); break;
            case SumRelayed relayed: OnSumRelayed(relayed); break;
            case RelayReported reported: OnRelayReported(reported); break;
            case Tick: OnTick(); break;
        }
    }

    private void Register(WorkerRegistered joined)
    {
        var m = joined.Registration;
        if (m.ProtocolRevision != ProtocolRevision.Current)
        {
            string reason = $"protocol revision {m.ProtocolRevision} is not this coordinator's {ProtocolRevision.Current}: run the same AttnRnnCluster version everywhere";
            Do(Note.Error($"Refused worker {m.WorkerName} at {joined.Location}: {reason}"));
            Do(new Send(joined.Worker, new WorkerRefused(reason)));
            return;
        }
        if (_workers.IsExcluded(joined.Identity))
        {
            Do(Note.Warn($"Refused worker {m.WorkerName} at {joined.Location}: its identity {joined.Identity} was excluded after repeated bad results"));
            Do(new Send(joined.Worker, new WorkerRefused("excluded after repeated bad results")));
            return;
        }
        var worker = _workers.Find(joined.Worker);
        if (worker == null)
        {
            worker = _workers.Add(joined.Worker, m.WorkerName, joined.Identity, joined.Location, m.Capacity, Now);
            Do(Note.Info($"Worker {worker.Describe()} joined (TorchSharp {m.TorchSharpVersion}, libtorch {m.LibTorchVersion}, {m.Threads} thread(s), window {worker.Capacity}); {_workers.Count} active"));
        }
        Heard(worker.Id);
        Do(new Send(worker.Id, new WorkerAccepted(runId, ModelConfigJson.Serialize(master.Config), master.Layout.TotalSize, (int)plan.ProgressInterval.TotalMilliseconds, plan.WirePrecision, plan.DataPlane)));
        Do(new Send(worker.Id, master.WeightsMessage(plan.WirePrecision)));
        if (_started)
            Dispatch();
        else if (_workers.Count >= plan.MinWorkers)
        {
            _started = true;
            Do(Note.Info($"{_workers.Count} of {plan.MinWorkers} workers joined: training starts at step {_firstStep}"));
            StartStep(_firstStep);
        }
        else
            Do(Note.Info($"Waiting for {plan.MinWorkers - _workers.Count} more worker(s) before training starts (have {_workers.Count})"));
    }

    /// <summary>Step <paramref name="step"/> (1-based) starts from the weights of version step - 1.</summary>
    private void StartStep(long step)
    {
        if (_ahead is { } ahead && ahead.Version == step - 1)
        {
            // Built and handed out while the previous step finished: its time, and its shards' clocks, start now.
            _ahead = null;
            _round = ahead;
            _round.RestartClocks(Now);
            _clock = new StepClock(time, 0, ahead.Examples, ahead.Tokens);
        }
        else
        {
            long building = Now;
            _round = PrepareStep(step);
            _clock = new StepClock(time, time.GetElapsedTime(building).TotalMilliseconds, _round.Examples, _round.Tokens);
        }
        Dispatch();
    }

    private ShardRound PrepareStep(long step)
    {
        var round = ShardRound.Split(step - 1, WorkKind.Train, data.TrainBatch(step - 1, plan.GlobalBatch), plan.MicroBatch, master.Layout.TotalSize, plan.WirePrecision, gradientsAtWorkers: Chain);
        for (int shard = 0; shard < round.Shards.Count; shard++)
            if (plan.Audits(round.Version, shard)) round.Audit(shard);
        return round;
    }

    private void StartEvaluation()
    {
        _round = ShardRound.Split(master.Version, WorkKind.Evaluate, data.HeldOut!, plan.EvalMicroBatch, gradientLength: 0);
        _clock = new StepClock(time, 0, _round.Examples);
        Dispatch();
    }

    private bool EvaluatesAfter(long step) => data.HeldOut != null && (step % plan.EvalEvery == 0 || step >= plan.MaxSteps);

    /// <summary>
    /// This round's waiting shards go to workers with free window slots, in registration order; once all are out,
    /// stragglers are backed up and the remaining slots take the next step's shards.
    /// </summary>
    private void Dispatch()
    {
        if (_round == null) return;
        if (KeepWhatNobodyCanVerify(_round))
        {
            FinishRound();
            return;
        }
        HandOut(_round, ahead: false);
        if (_round.HasWaiting) return;
        BackUpStragglers(_round);
        HandOutNextStepAhead(_round);
    }

    private void HandOut(ShardRound round, bool ahead)
    {
        for (bool gaveWork = true; round.HasWaiting && gaveWork;)
        {
            gaveWork = false;
            var active = ActiveWorkers();
            foreach (var worker in _workers.All)
            {
                int free = ahead ? worker.FreeSlots : worker.FreeSlotsFor(round.Version, round.Kind);
                if (free <= 0 || !round.TryTakeWaitingFor(worker.Id, active, out int shard, inBlocks: Chain && round.Kind == WorkKind.Train)) continue;
                Assign(worker, round, shard);
                gaveWork = true;
            }
        }
    }

    /// <summary>The workers that may be given work: registered and not silent.</summary>
    private List<WorkerId> ActiveWorkers() => _workers.All.Where(w => !w.Suspect).Select(w => w.Id).ToList();

    /// <summary>
    /// One worker: an audited shard's answer cannot have a second opinion from anyone else, so it is kept unverified
    /// (warned once). "One" counts the workers that answer: one that has gone silent would keep the step waiting for
    /// nothing. A doubted (non-finite) answer is kept only when its worker is the only one registered at all: the step
    /// or the evaluation then ends the run as diverged, which a silent worker's absence must not decide. With a second
    /// worker available, even a busy one, the answer waits for it. True when that completed the round.
    /// </summary>
    private bool KeepWhatNobodyCanVerify(ShardRound round)
    {
        if (round.IsComplete) return false;
        var active = ActiveWorkers();
        bool kept = false;
        foreach (int shard in round.Audited.ToList())
        {
            var answered = round.AnsweredBy(shard);
            if (answered.Count != 1) continue;
            var others = round.IsAudited(shard) ? active : _workers.All.Select(w => w.Id).ToList();
            if (others.Count != 1 || others[0] != answered[0] || !round.KeepUnverified(shard)) continue;
            kept = true;
            if (round.IsAudited(shard) && !_warnedUnverifiable)
            {
                _warnedUnverifiable = true;
                Do(Note.Warn($"Verification skipped: only one worker ({_workers.Find(answered[0])?.Describe() ?? answered[0].ToString()}), so no second worker can recompute audited shards; they are kept unverified while it is alone"));
            }
        }
        if (kept && !round.IsComplete && Chain && round == _round && round.Kind == WorkKind.Train) PlanSettledHops(round);
        return round.IsComplete;
    }

    /// <summary>
    /// The next step's batch does not depend on this step's result, so its shards travel while this step's last ones
    /// compute; a worker parks them until the new weights come. Only a step that surely follows (no evaluation or end
    /// of run in between) goes out ahead; results are still kept by shard index, so the sum is unchanged.
    /// </summary>
    private void HandOutNextStepAhead(ShardRound round)
    {
        long step = round.Version + 1;
        if (round.Kind != WorkKind.Train || step >= plan.MaxSteps || EvaluatesAfter(step)) return;
        _ahead ??= PrepareStep(step + 1);
        HandOut(_ahead, ahead: true);
    }

    /// <summary>With nothing left to hand out, an idle worker recomputes a shard out much longer than usual; the first result wins (same bits).</summary>
    private void BackUpStragglers(ShardRound round)
    {
        if (_timings.MedianMs is not { } median) return;
        double limitMs = Math.Max(plan.StragglerFactor * median, plan.StragglerMinimum.TotalMilliseconds);
        foreach (var (shard, holders) in round.Outstanding.ToList())
        {
            if (holders.Count != 1) continue;
            var slow = holders[0];
            double ageMs = time.GetElapsedTime(slow.Since).TotalMilliseconds;
            if (ageMs < limitMs) continue;
            // Shards a worker holds for the next step cannot start before this one ends: it counts as idle.
            var idle = _workers.All.FirstOrDefault(w => !w.Suspect && !w.HoldsWorkOf(round.Version, round.Kind) && w.Id != slow.Worker
                && !round.AnsweredBy(shard).Contains(w.Id));
            if (idle == null) return;
            string slowName = _workers.Find(slow.Worker)?.Describe() ?? slow.Worker.ToString();
            Do(Note.Warn($"Straggler: {slowName} has had shard {shard} of step {round.Version + 1} for {ageMs:0} ms ({ageMs / median:0.0}x the median {median:0} ms); {idle.Describe()} computes it too"));
            Assign(idle, round, shard);
        }
    }

    private void Assign(WorkerEntry worker, ShardRound round, int shard)
    {
        round.MarkSent(shard, worker.Id, Now);
        worker.InFlight.Add((round.Version, round.Kind, shard));
        Do(new Send(worker.Id, new ShardAssignment(round.Version, round.Kind, shard, round.Shards[shard])));
    }

    private void OnResult(WorkerId from, ShardCompleted result)
    {
        var worker = _workers.Find(from);
        if (worker == null)
        {
            Do(Note.Debug($"Dropped a result from unregistered {from}"));
            return;
        }
        Heard(from);
        if (!worker.InFlight.Remove((result.Version, result.Kind, result.ShardIndex)))
        {
            Do(Note.Warn($"Dropped a result from {worker.Describe()} for shard {result.ShardIndex} of version {result.Version} that was not assigned to it"));
            Dispatch();
            return;
        }
        if (_round == null) return;
        // A result for the step handed out ahead can only come after its weights, i.e. once that step has started;
        // it is kept with its own round all the same, so no accounting depends on that.
        var round = _ahead is { } ahead && ahead.Version == result.Version && ahead.Kind == result.Kind ? ahead : _round;
        long? heldSince = round.HeldSince(result.ShardIndex, from);
        var verdict = round.Offer(from, result, out string? problem);
        if (round == _round && heldSince is { } since && verdict is ResultVerdict.Accepted or ResultVerdict.Held or ResultVerdict.Disputed)
        {
            double shardMs = time.GetElapsedTime(since).TotalMilliseconds;
            _timings.Add(shardMs);
            _clock.Compute(from, result.ComputeMilliseconds);
            worker.LastShardMs = shardMs;
        }
        if (verdict == ResultVerdict.Accepted && result.Kind == WorkKind.Train) worker.ShardsDone++;
        switch (verdict)
        {
            case ResultVerdict.Accepted:
                foreach (var dissenter in round.DissentersOf(result.ShardIndex))
                {
                    if (round.IsAudited(result.ShardIndex)) ExcludeDissenter(dissenter, round, result.ShardIndex, worker);
                    else if (_workers.Find(dissenter) is { } broken)
                        CountBadResult(broken, BadResultKind.Outlier, $"Rejected a result from {broken.Describe()}",
                            $"its result for shard {result.ShardIndex} of step {round.Version + 1} (not finite, or of an absurd norm) differs from the one {worker.Describe()} computed again, which is kept");
                }
                break;
            case ResultVerdict.Invalid:
                CountBadResult(worker, BadResultKind.Invalid, $"Rejected a result from {worker.Describe()}", $"{problem}; the shard is computed again, by another worker first");
                break;
            case ResultVerdict.Held when round.IsAudited(result.ShardIndex):
                Do(Note.Debug($"Shard {result.ShardIndex} of step {round.Version + 1} from {worker.Describe()} is audited: it waits for a second worker's result"));
                break;
            case ResultVerdict.Held:
                Do(Note.Warn($"Worker {worker.Describe()} sent a result that is not finite for shard {result.ShardIndex} of step {round.Version + 1}: another worker recomputes it (if its result is not finite either, the model has diverged)"));
                break;
            case ResultVerdict.Disputed:
                var names = round.AnsweredBy(result.ShardIndex).Select(id => _workers.Find(id)?.Describe() ?? id.ToString());
                Do(Note.Warn($"Verification: the results of {string.Join(" and ", names)} for shard {result.ShardIndex} of step {round.Version + 1} differ bit for bit; another worker settles it before the step is applied"));
                break;
            case ResultVerdict.Duplicate:
                Do(Note.Debug($"Dropped a second result for shard {result.ShardIndex} from {worker.Describe()}"));
                break;
        }
        if (verdict == ResultVerdict.Accepted && Chain && round == _round && round.Kind == WorkKind.Train && !round.IsComplete) PlanSettledHops(round);
        if (_round?.IsComplete == true) FinishRound();
        else Dispatch();
    }

    /// <summary>A bad result or a failed shard: counted against the worker, which is excluded at <c>--max-bad-results</c>.</summary>
    private void CountBadResult(WorkerEntry worker, BadResultKind kind, string what, string problem)
    {
        worker.BadResults++;
        _badResults[(int)kind]++;
        Do(Note.Warn($"{what} ({worker.BadResults} bad so far): {problem}"));
        if (worker.BadResults >= plan.MaxBadResults) Exclude(worker, $"after {worker.BadResults} bad results");
    }

    /// <summary>Verified training: a worker whose result differs from the bits two others agree on is wrong, however it came about.</summary>
    private void ExcludeDissenter(WorkerId id, ShardRound round, int shard, WorkerEntry settler)
    {
        if (_workers.Find(id) is not { } dissenter) return;
        _badResults[(int)BadResultKind.Verification]++;
        var first = round.KeptFrom(shard)!.Value;
        string firstName = _workers.Find(first)?.Describe() ?? first.ToString();
        Exclude(dissenter, $"by verification: its result for shard {shard} of step {round.Version + 1} differs bit for bit from the one {firstName} and {settler.Describe()} agree on");
    }

    private void OnFailure(WorkerId from, ShardFailed failure)
    {
        var worker = _workers.Find(from);
        if (worker == null) return;
        Heard(from);
        bool wasAssigned = worker.InFlight.Remove((failure.Version, failure.Kind, failure.ShardIndex));
        foreach (var round in new[] { _round, _ahead })
        {
            if (round == null || failure.Version != round.Version || failure.Kind != round.Kind) continue;
            // Only a shard it was given and that still needs computing counts: a "stale" answer for a finished round is
            // the protocol's, not a fault.
            if (wasAssigned && round.Release(from, failure.ShardIndex, avoidNextTime: true))
                CountBadResult(worker, BadResultKind.Failed, $"Worker {worker.Describe()} could not compute shard {failure.ShardIndex} of step {round.Version + 1}", $"{failure.Reason}; another worker computes it first");
            else
                Do(Note.Debug($"Worker {worker.Describe()} could not compute shard {failure.ShardIndex} of step {round.Version + 1}, which is no longer needed from it: {failure.Reason}"));
        }
        Dispatch();
    }

    /// <summary>Anything from a worker shows it is alive; one that was silent gets work again.</summary>
    private void Heard(WorkerId from)
    {
        if (_workers.Find(from) is not { } worker) return;
        worker.LastHeard = Now;
        if (!worker.Suspect) return;
        worker.Suspect = false;
        Do(Note.Info($"Worker {worker.Describe()} answered again"));
    }

    private void OnTick()
    {
        if (!_started)
        {
            if (time.GetElapsedTime(_createdAt) >= plan.StartTimeout)
                Finish($"only {_workers.Count} of {plan.MinWorkers} workers joined within {plan.StartTimeout.TotalSeconds:0}s", failed: true);
            return;
        }
        if (_reduce != null) CheckSum();
        if (Summary == null) CheckRelayedWeights();
        if (_round == null || Summary != null) return;
        TakeShardsFromSilentWorkers();
        Dispatch();
        if (Summary == null) CheckSomeoneCanWork();
    }

    /// <summary>
    /// Once training has started, a round that no worker can take (the last one gone, every one silent, or an audit
    /// that needs a worker who has not answered it) waits for one, but not for ever: after <c>--worker-wait</c> the run
    /// fails, with the steps done saved in a checkpoint to resume from.
    /// </summary>
    private void CheckSomeoneCanWork()
    {
        if (_round == null || SomeoneCanWork(_round))
        {
            _idleSince = null;
            return;
        }
        _idleSince ??= Now;
        var waited = time.GetElapsedTime(_idleSince.Value);
        if (waited < plan.WorkerWait) return;
        if (master.Version > _checkpointed) Checkpoint(master.Version, best: false);
        string what = _workers.Count == 0 ? "no worker" : $"no worker that may compute its shards ({DescribeIdle()})";
        Finish($"step {_round.Version + 1} had {what} for {waited.TotalSeconds:0}s (--worker-wait {plan.WorkerWait.TotalSeconds:0}); the {master.Version} step(s) done are in the newest checkpoint", failed: true);
    }

    /// <summary>Some shard is out at a worker that is not silent, or a waiting one may go to a worker that is not.</summary>
    private bool SomeoneCanWork(ShardRound round)
    {
        var active = ActiveWorkers();
        if (round.Outstanding.Any(kv => kv.Value.Exists(h => active.Contains(h.Worker)))) return true;
        return round.Waiting.Any(shard => active.Any(worker => round.MayTake(worker, shard, active)));
    }

    private string DescribeIdle() =>
        _workers.All.All(w => w.Suspect) ? "every worker is silent" : "an audited shard needs a worker that has not answered it";

    /// <summary>
    /// The shard timeout measures silence: a worker that has sent nothing (result, failure, progress beat) for that long
    /// since it was given its oldest shard of this round loses the round's shards, and no new work comes to it until it
    /// is heard from. A computing worker beats, so a long shard stays; one that hangs or is cut off falls silent.
    /// </summary>
    private void TakeShardsFromSilentWorkers()
    {
        var round = _round!;
        foreach (var worker in _workers.All.Where(w => !w.Suspect))
        {
            var held = round.ShardsHeldBy(worker.Id);
            if (held.Count == 0) continue;
            long quietSince = Math.Max(worker.LastHeard, held.Min(shard => round.HeldSince(shard, worker.Id)!.Value));
            var silence = time.GetElapsedTime(quietSince);
            if (silence < plan.ShardTimeout) continue;
            worker.Suspect = true;
            foreach (int shard in held) round.Release(worker.Id, shard, avoidNextTime: true);
            Do(Note.Warn($"Worker {worker.Describe()} has been silent for {silence.TotalSeconds:0.#}s (shard timeout {plan.ShardTimeout.TotalSeconds:0.#}s): shard(s) {string.Join(", ", held)} of step {round.Version + 1} go to other workers"));
        }
    }

    private void Exclude(WorkerEntry worker, string why)
    {
        Do(Note.Error($"Excluded worker {worker.Describe()} {why}"));
        Do(new Send(worker.Id, new WorkerRefused($"excluded {why}")));
        ReleaseAll(worker.Id);
        _workers.Exclude(worker);
        LoseGradientsOf(worker.Id);
        if (_workers.Count == 0) NoWorkersLeft();
    }

    private void NoWorkersLeft() =>
        Do(Note.Warn($"No workers left: training waits up to {plan.WorkerWait.TotalSeconds:0}s (--worker-wait) for one to join, then fails with a checkpoint"));

    private void Forget(WorkerId id, string why)
    {
        if (_workers.Find(id) is not { } worker) return;
        _workers.Remove(id);
        int requeued = ReleaseAll(id);
        Do(Note.Warn($"Worker {worker.Describe()} {why}; {requeued} of its shard(s) go back to the queue; {_workers.Count} active"));
        LoseGradientsOf(id);
        if (_workers.Count == 0) NoWorkersLeft();
        Dispatch();
    }

    /// <summary>
    /// The chain data plane: a worker gone or excluded takes the gradients it kept with it. Its kept results of this
    /// step and the next are computed again by others; a sum under way through it starts again once they are in; workers
    /// after it in the weights' chain get the weights from the coordinator.
    /// </summary>
    private void LoseGradientsOf(WorkerId id)
    {
        if (!Chain) return;
        if (_reduce?.Involves(id) == true) RestartSum(id);
        else _round?.Unkeep(id);
        _ahead?.Unkeep(id);
        if (_relayed is { } relayed && relayed.Chain.Contains(id))
        {
            _relayed = null;
            var waiting = relayed.Waiting.Where(w => w != id && _workers.Find(w) != null).ToList();
            if (waiting.Count > 0 && relayed.Version == master.Version)
            {
                Do(Note.Warn($"The weights of version {relayed.Version} went down a chain through a worker that is gone: {waiting.Count} worker(s) after it get them from the coordinator"));
                Do(new Broadcast(waiting, master.WeightsMessage(plan.WirePrecision)));
            }
        }
    }

    /// <summary>Every shard the worker holds, of this step and of the next, is released; returns how many went back to a queue.</summary>
    private int ReleaseAll(WorkerId id) => (_round?.ReleaseAll(id) ?? 0) + (_ahead?.ReleaseAll(id) ?? 0);

    private void FinishRound()
    {
        var round = _round!;
        _round = null;
        if (round.Kind == WorkKind.Train) FinishStep(round);
        else FinishEvaluation(round);
    }

    private void FinishStep(ShardRound round)
    {
        if (TakeBackAbsurdResults(round))
        {
            // A sum already under way may hold a result taken back: the plan made once they are in again replaces it.
            if (_reduce?.Round == round) _reduce = null;
            _round = round;
            Dispatch();
            return;
        }
        if (Chain)
        {
            StartSum(round);
            return;
        }
        ApplyStep(round, relayedSum: null, reducingSince: Now, weightsChain: null);
    }

    /// <summary>
    /// The chain data plane, while the round's results come in: the hops of the sum settled since the last result (the
    /// shards up to them all kept, the worker after them known) are planned at once, so the sum runs down the chain while
    /// later shards are still computed. A plan whose hops are no longer the settled ones' start is replaced by a new attempt.
    /// </summary>
    private void PlanSettledHops(ShardRound round)
    {
        var settled = round.SettledHops(out var next);
        if (settled.Count == 0) return;
        int first = Plan(round, settled, next);
        if (first < settled.Count) Do(new PlanStep(round.Version, _reduce!.Attempt, [.. _reduce.Hops], first, next, WeightsChain: null));
    }

    /// <summary>
    /// The chain data plane: every shard has a kept result, and each gradient is with the worker that computed it. The
    /// plan's last hops (those not planned while results came in) send the sum on in shard order, the last to the
    /// coordinator, and the plan names the chain the new weights will go down: the hops' workers first, then every other
    /// active worker.
    /// </summary>
    private void StartSum(ShardRound round)
    {
        var hops = round.Hops();
        int first = Plan(round, hops, next: null);
        var chain = hops.Select(h => h.Worker).Concat(ActiveWorkers()).Distinct()
            .Where(id => _workers.Find(id) is { Suspect: false }).ToList();
        _reduce!.Complete(chain, Now);
        Do(new PlanStep(round.Version, _reduce.Attempt, hops, first, Next: null, chain));
    }

    /// <summary>
    /// Plans <paramref name="hops"/> (the round's settled ones) in the sum under way, or, when it is of another round or
    /// they no longer start with what it planned, in a new attempt (its plans replace those of any attempt before it).
    /// Returns the index of the first hop not planned before.
    /// </summary>
    private int Plan(ShardRound round, IReadOnlyList<(WorkerId Worker, int[] Shards)> hops, WorkerId? next)
    {
        int first = _reduce?.Round == round ? _reduce.Extend(hops, next, Now) : -1;
        if (first >= 0) return first;
        int attempt = _lastPlan.Version == round.Version ? _lastPlan.Attempt + 1 : 0;
        _lastPlan = (round.Version, attempt);
        _reduce = new ChainReduce(round, attempt);
        return _reduce.Extend(hops, next, Now);
    }

    private void OnSumRelayed(SumRelayed relayed)
    {
        if (_reduce is not { IsComplete: true } reduce || reduce.Round.Version != relayed.Version || reduce.Attempt != relayed.Attempt) return;
        _reduce = null;
        // The sum has come: its last hop is done, whether or not its report (sent after its last segment) is in yet.
        reduce.HopDone(reduce.Hops.Count - 1, reduce.Hops[^1].Worker, Now);
        if (reduce.Slowest(time, plan.StragglerFactor, plan.StragglerMinimum.TotalMilliseconds) is { } slow)
            Do(Note.Warn($"Slow relay: {_workers.Find(slow.Worker)?.Describe() ?? slow.Worker.ToString()} took {slow.Ms:0} ms to pass on the sum of step {reduce.Round.Version + 1} (hop {slow.Hop + 1} of {reduce.Hops.Count}; {slow.Ms / Math.Max(slow.OthersMedianMs, 1e-3):0.0}x the other hops' median {slow.OthersMedianMs:0} ms)"));
        ApplyStep(reduce.Round, relayed.Sum, reduce.CompletedAt, reduce.WeightsChain);
    }

    private void OnRelayReported(RelayReported reported)
    {
        Heard(reported.Worker);
        var done = reported.Done;
        if (done.Stage == RelayStage.Sum)
        {
            if (_reduce is { } reduce && reduce.Round.Version == done.Version && reduce.Attempt == done.Attempt) reduce.HopDone(done.Hop, reported.Worker, Now);
        }
        else if (_relayed is { } relayed && relayed.Version == done.Version + 1)
        {
            relayed.Have(reported.Worker);
            if (relayed.Waiting.Count == 0) _relayed = null;
        }
    }

    /// <summary>A hop of the sum silent for a shard timeout: its worker is taken for silent, and its shards are computed again by others.</summary>
    private void CheckSum()
    {
        if (_reduce!.Stalled(time, plan.ShardTimeout) is not { } stalled) return;
        var worker = _workers.Find(stalled.Worker);
        Do(Note.Warn($"Relay {worker?.Describe() ?? stalled.Worker.ToString()} has not passed on the sum of step {_reduce.Round.Version + 1} for {stalled.Waited.TotalSeconds:0.#}s (hop {stalled.Hop + 1} of {_reduce.Hops.Count}{(_reduce.IsComplete ? "" : " planned so far")}; shard timeout {plan.ShardTimeout.TotalSeconds:0.#}s): its shard(s) go to other workers"));
        if (worker != null) worker.Suspect = true;
        RestartSum(stalled.Worker);
    }

    /// <summary>The sum under way cannot pass <paramref name="lost"/>: its kept results wait again, and the step goes on computing.</summary>
    private void RestartSum(WorkerId lost)
    {
        var round = _reduce!.Round;
        _reduce = null;
        var again = round.Unkeep(lost);
        Do(Note.Info($"Step {round.Version + 1}'s sum starts again once shard(s) {string.Join(", ", again)} are computed by other workers"));
        _round = round;
        Dispatch();
    }

    /// <summary>
    /// Workers of the weights' chain that do not have the weights a shard timeout after they went out: a relay before
    /// them stalls. They get the weights from the coordinator, and the relay is named.
    /// </summary>
    private void CheckRelayedWeights()
    {
        if (_relayed is not { } relayed) return;
        if (relayed.Version != master.Version)
        {
            _relayed = null;
            return;
        }
        var waited = time.GetElapsedTime(relayed.SentAt);
        if (waited < plan.ShardTimeout) return;
        _relayed = null;
        var waiting = relayed.Waiting.Where(w => _workers.Find(w) != null).ToList();
        if (waiting.Count == 0) return;
        var before = relayed.Before(waiting[0]);
        string relay = before is { } b ? _workers.Find(b)?.Describe() ?? b.ToString() : "the coordinator";
        Do(Note.Warn($"Slow relay: the weights of version {relayed.Version} have not reached {string.Join(", ", waiting.Select(w => _workers.Find(w)!.Describe()))} {waited.TotalSeconds:0.#}s after they went down the chain (stalled after {relay}); the coordinator sends them directly"));
        Do(new Broadcast(waiting, master.WeightsMessage(plan.WirePrecision)));
    }

    /// <summary>
    /// Applies a complete training round: its sum in shard order (the round's own, or the chain's <paramref name="relayedSum"/>),
    /// the optimizer step, the broadcast (down <paramref name="weightsChain"/>, or from the coordinator to every worker),
    /// the step's report; then what follows the step.
    /// </summary>
    private void ApplyStep(ShardRound round, float[]? relayedSum, long reducingSince, IReadOnlyList<WorkerId>? weightsChain)
    {
        long step = round.Version + 1;
        long reducing = reducingSince;
        StepUpdate update;
        try
        {
            update = master.Apply(round, relayedSum);
            round.ReleaseGradientSum();
        }
        catch (InvalidOperationException e)
        {
            // Two workers (or the only one) computed a non-finite result: the model has diverged, not a worker.
            Finish($"{e.Message}; {SavedNote()}", failed: true);
            return;
        }
        double reduceMs = time.GetElapsedTime(reducing).TotalMilliseconds;
        long broadcasting = Now;
        BroadcastWeights(weightsChain);
        double broadcastMs = time.GetElapsedTime(broadcasting).TotalMilliseconds;
        _lastTrainLoss = update.Loss;
        var report = _clock.Report(step, update, reduceMs, broadcastMs, _workers.Count);
        _timings.AddStep(report.StepMs);
        Do(new ReportStep(report with
        {
            Eta = TimeSpan.FromMilliseconds((plan.MaxSteps - step) * _timings.MeanStepMs!.Value),
            WorkerTable = _workers.Table(_timings.MedianMs),
            WorkersExcluded = _workers.ExcludedCount,
            BadResults = Enum.GetValues<BadResultKind>().ToDictionary(kind => kind, kind => _badResults[(int)kind]),
        }));
        if (EvaluatesAfter(step)) StartEvaluation();
        else AfterStep(step, evaluated: false);
    }

    /// <summary>
    /// The new weights to every worker: from the coordinator to each (the star), or down the chain planned with the sum,
    /// and directly to the workers not in it (joined since, or silent then). A chain with a worker lost since goes no
    /// further than it: then every worker gets them directly.
    /// </summary>
    private void BroadcastWeights(IReadOnlyList<WorkerId>? weightsChain)
    {
        var everyone = _workers.All.Select(w => w.Id).ToList();
        var weights = master.LoanedWeightsMessage(plan.WirePrecision);
        if (weightsChain == null || weightsChain.Count == 0 || weightsChain.Any(id => _workers.Find(id) == null))
        {
            Do(new Broadcast(everyone, weights));
            return;
        }
        _relayed = new RelayedWeights(master.Version, weightsChain, Now);
        Do(new RelayWeights(weightsChain[0], everyone.Except(weightsChain).ToList(), weights));
    }

    /// <summary>
    /// A finite but absurd gradient, with a norm over <see cref="TrainingPlan.AbsurdNormFactor"/> times the smallest
    /// non-zero norm of the step's shards, gets a second opinion before the step is applied: another worker recomputes
    /// it; the same bits clear it (an honest outlier is never blamed), other bits make it a bad result. The smallest
    /// norm, not the median, is the yardstick: a broken worker may have computed most of a step's shards. Results
    /// already confirmed by a second worker stand. True when something was taken back.
    /// </summary>
    private bool TakeBackAbsurdResults(ShardRound round)
    {
        var results = round.ResultsInShardOrder();
        if (results.Count < TrainingPlan.MinShardsForNormCheck) return false;
        var norms = Enumerable.Range(0, results.Count).Select(round.NormOf).ToArray();
        double smallest = norms.Where(n => n > 0).DefaultIfEmpty(0).Min();
        if (smallest <= 0) return false;
        bool tookBack = false;
        for (int shard = 0; shard < norms.Length; shard++)
        {
            if (norms[shard] <= TrainingPlan.AbsurdNormFactor * smallest || round.IsConfirmed(shard) || round.IsAudited(shard)) continue;
            var from = round.KeptFrom(shard)!.Value;
            round.Doubt(shard);
            tookBack = true;
            Do(Note.Warn($"Shard {shard} of step {round.Version + 1} from {_workers.Find(from)?.Describe() ?? from.ToString()} has gradient norm {norms[shard]:G3}, over {TrainingPlan.AbsurdNormFactor:G} times the step's smallest {smallest:G3}: another worker recomputes it before the step is applied"));
        }
        return tookBack;
    }

    private void FinishEvaluation(ShardRound round)
    {
        double lossSum = 0;
        long items = 0;
        foreach (var result in round.ResultsInShardOrder())
        {
            lossSum += result.LossSum;
            items += result.Count;
        }
        _lastEvalLoss = master.ReportedLoss(lossSum, items);
        if (!double.IsFinite(_lastEvalLoss.Value))
        {
            // Two workers (or the only one) found a shard's loss not finite: the model has diverged. Going on would train a
            // broken model and measure nothing; its weights are not saved over the newest checkpoint, the one to resume from.
            Finish($"the held-out loss after step {round.Version} is {_lastEvalLoss.Value}: the model has diverged (lower --lr or set --clip); {SavedNote()}", failed: true);
            return;
        }
        Do(new ReportEvaluation(new EvalReport(round.Version, _lastEvalLoss.Value, items, _clock.ElapsedMs)));
        AfterStep(round.Version, evaluated: true);
    }

    private void AfterStep(long step, bool evaluated)
    {
        bool best = evaluated && (_bestEvalLoss == null || _lastEvalLoss < _bestEvalLoss);
        if (best) _bestEvalLoss = _lastEvalLoss;
        bool reachedTarget = evaluated && plan.TargetLoss != null && _lastEvalLoss < plan.TargetLoss;
        bool last = reachedTarget || step >= plan.MaxSteps;
        if (best || last || step % plan.CheckpointEvery == 0) Checkpoint(step, best);
        if (reachedTarget) Finish(FormattableString.Invariant($"held-out loss {_lastEvalLoss:0.#####} is below the target {plan.TargetLoss} after step {step}"), reached: true);
        else if (last) Finish($"reached the step cap ({plan.MaxSteps})");
        else StartStep(step + 1);
    }

    private string SavedNote() =>
        _checkpointed > 0 ? $"the newest checkpoint (step {_checkpointed}) is intact" : "no checkpoint was written yet";

    private void Checkpoint(long step, bool best) => Do(new WriteCheckpoint(_checkpointed = step, best));

    /// <summary>
    /// Between two messages the master state is that of a whole step: steps done since the last checkpoint are saved;
    /// the workers are not told, so they wait for a coordinator resumed on the same address.
    /// </summary>
    private void Stop(string reason)
    {
        if (master.Version > _checkpointed) Checkpoint(master.Version, best: false);
        Finish(reason, stopped: true);
    }

    private void Finish(string reason, bool reached = false, bool failed = false, bool stopped = false)
    {
        _round = null;
        _ahead = null;
        Summary = new RunSummary(master.Version, _lastTrainLoss, _lastEvalLoss, _bestEvalLoss, reached, reason, time.GetElapsedTime(_createdAt), failed, stopped);
        if (!stopped) foreach (var worker in _workers.All) Do(new Send(worker.Id, new TrainingFinished(reason)));
        Do(new Finish(Summary));
    }

    private long Now => time.GetTimestamp();

    private void Do(ITrainingAction action) => act(action);
}
