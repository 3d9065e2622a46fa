using System.Diagnostics;
using Akka.Actor;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Worker.Training;
using Serilog;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The coordinator as an actor: a thin translator around the <see cref="TrainingLoop"/>, which holds every rule of
/// training. Messages from workers (and DeathWatch, and its own ticks) become the loop's events; the loop's actions
/// become messages to workers, journal entries and log lines, performed at once and in order. Workers are known to the
/// loop by a <see cref="WorkerId"/>; this actor keeps which actor each id stands for.
/// </summary>
public sealed class TrainingCoordinator : ReceiveActor, IWithTimers
{
    /// <summary>
    /// How often the loop is told that time passed. Its deadlines are the shard timeout (seconds), the start timeout
    /// and the straggler floor (200 ms); a quarter second is fine enough for all and costs nothing.
    /// </summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(250);

    private readonly ITrainingJournal _journal;
    private readonly TrainingLoop _loop;
    private readonly CoordinatorFault _fault;
    private readonly ILogger _log = Log.ForContext<TrainingCoordinator>();
    private readonly Dictionary<IActorRef, WorkerId> _ids = [];
    private readonly Dictionary<WorkerId, IActorRef> _actors = [];
    private readonly List<IActorRef> _completionWaiters = [];
    private readonly OncePerKey _unregisteredLog = new();
    private PayloadTransport _transport = null!;
    private long _lastId;
    private readonly RelayedSum _relayedSum = new();
    private readonly int _parameterCount;
    private readonly int _segmentLength;

    public TrainingCoordinator(TrainingPlan plan, IDataSource data, MasterState master, ITrainingJournal journal, string runId,
        CoordinatorFault fault = CoordinatorFault.None)
    {
        _journal = journal;
        _fault = fault;
        _parameterCount = master.Layout.TotalSize;
        _segmentLength = plan.SegmentLength;
        _loop = new TrainingLoop(plan, data, master, runId, TimeProvider.System, Perform);
        Receive<RegisterWorker>(m => _loop.Handle(new WorkerRegistered(IdOf(Sender), IdentityOf(Sender, m), Location(Sender), m)));
        Receive<ShardCompleted>(m => FromWorker(id => new ResultReceived(id, m)));
        Receive<ShardFailed>(m => FromWorker(id => new FailureReceived(id, m)));
        Receive<ShardProgress>(m => FromWorker(id => new ProgressReceived(id, m)));
        Receive<RelayDone>(m => FromWorker(id => new RelayReported(id, m)));
        Receive<SumSegment>(OnSumSegment);
        Receive<Terminated>(m => Lost(m.ActorRef));
        Receive<Tick>(m => _loop.Handle(m));
        Receive<StopTraining>(m => _loop.Handle(new StopRequested(m.Reason)));
        Receive<AwaitCompletion>(_ =>
        {
            if (_loop.Summary is { } summary) Sender.Tell(summary);
            else _completionWaiters.Add(Sender);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TrainingPlan plan, IDataSource data, MasterState master, ITrainingJournal journal, string runId,
        CoordinatorFault fault = CoordinatorFault.None) =>
        Akka.Actor.Props.Create(() => new TrainingCoordinator(plan, data, master, journal, runId, fault)).WithDispatcher(NodeDispatchers.Coordinator);

    /// <summary>Asks for the run's summary once it has finished (answered at once if it has).</summary>
    public sealed record AwaitCompletion : INoSerializationVerificationNeeded;

    /// <summary>Ends the run between two steps, resumable: a final checkpoint, the workers left waiting.</summary>
    public sealed record StopTraining(string Reason) : INoSerializationVerificationNeeded;

    protected override void PreStart()
    {
        _transport = PayloadTransport.Get(Context.System);
        _loop.Start();
        Timers.StartPeriodicTimer("tick", Tick.Now, TickInterval);
    }

    /// <summary>
    /// A failure here (a full disk under the run folder, a bug) ends the run at once, with the reason and the checkpoint
    /// to resume from, instead of Akka's default restart: a restarted coordinator would start a new loop on the half-
    /// applied state and forget its workers, which wait for ever. The process sees the actor stop and exits 1
    /// (<see cref="Hosting.CoordinatorRun"/>).
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            _journal.Failed($"handling {message.GetType().Name}", e);
            Timers.CancelAll();
            Context.Stop(Self);
            return true;
        }
    }

    /// <summary>Does one of the loop's actions.</summary>
    private void Perform(ITrainingAction action)
    {
        switch (action)
        {
            case Send send:
                Tell(send.To, send.Message);
                break;
            case Broadcast broadcast:
                _transport.Tell(broadcast.To.Select(ActorOf).OfType<IActorRef>().ToList(), broadcast.Message, Self);
                // Sent: the transport added a reader for each worker that reads it later; this actor reads it no more.
                (broadcast.Message as ILoanedMessage)?.Loan?.Release();
                break;
            case PlanStep planStep:
                SendPlans(planStep);
                break;
            case RelayWeights relay:
                SendWeightsDownChain(relay);
                break;
            case ReportStep step:
                _journal.Step(step.Report);
                if (step.Report.Step == 1) InjectFault();
                break;
            case ReportEvaluation evaluation:
                _journal.Evaluated(evaluation.Report);
                break;
            case WriteCheckpoint checkpoint:
                _journal.Checkpoint(checkpoint.Step, checkpoint.IsBest);
                break;
            case Note note:
                _log.Write(note.Level, "{Text:l}", note.Text);
                break;
            case Finish finish:
                Finished(finish.Summary);
                break;
            default:
                throw new UnreachableException($"the training loop asked for {action.GetType().Name}, which this actor cannot do");
        }
    }

    /// <summary>
    /// The chain data plane: to the relay (a child of the worker actor) of each worker of the plan's new hops, its new
    /// parts in a <see cref="StepPlan"/>; a hop sends to the next hop's relay. Before the plan is complete, the last new
    /// hop sends to the worker after it, which will be planned when its results settle. Once it is complete, the last
    /// hop's sum is expected here, and every worker of the hops and of the weights' chain gets its completing plan: all
    /// its parts again (a relay keeps a part it has, so a partial message overtaken or lost does not matter) and its
    /// place in the weights' chain. Plans go to the relay, not the worker actor, which may be computing a shard.
    /// </summary>
    private void SendPlans(PlanStep step)
    {
        var hops = step.Hops.Select(h => (Actor: ActorOf(h.Worker), h.Shards)).ToList();
        var chain = (step.WeightsChain ?? []).Select(ActorOf).ToList();
        var next = step.Next is { } n ? ActorOf(n) : null;
        if (hops.Exists(h => h.Actor == null) || chain.Exists(a => a == null) || (step.Next != null && next == null))
            throw new InvalidOperationException($"the plan of step {step.Version + 1} names a worker this coordinator does not know");
        bool complete = step.WeightsChain != null;
        if (complete) _relayedSum.Expect(step.Version, step.Attempt, hops.Count, hops[^1].Actor!.Path.ToString(), _parameterCount, _segmentLength);
        var parts = new Dictionary<IActorRef, List<RelayPart>>();
        for (int hop = complete ? 0 : step.FirstNew; hop < hops.Count; hop++)
        {
            var worker = hops[hop].Actor!;
            var to = hop + 1 < hops.Count ? RelayOf(hops[hop + 1].Actor!) : next is { } after ? RelayOf(after) : Self;
            if (!parts.TryGetValue(worker, out var list)) parts[worker] = list = [];
            list.Add(new RelayPart(hop, hops[hop].Shards, hop > 0 ? hops[hop - 1].Actor : null, to));
        }
        var planned = parts.Keys.Concat(chain.Select(a => a!)).Distinct().ToList();
        foreach (var worker in planned)
        {
            int at = chain.IndexOf(worker);
            var weightsFrom = at < 0 ? null : at == 0 ? Self : chain[at - 1];
            var weightsTo = at >= 0 && at + 1 < chain.Count ? RelayOf(chain[at + 1]!) : null;
            _transport.Tell(RelayOf(worker), new StepPlan(step.Version, step.Attempt, _parameterCount, _segmentLength,
                [.. parts.GetValueOrDefault(worker) ?? []], weightsFrom, weightsTo, complete), Self);
        }
    }

    /// <summary>The chain data plane: the new weights in segments to the chain's first relay, whole to the others; the loan is released once all are sent.</summary>
    private void SendWeightsDownChain(RelayWeights relay)
    {
        var weights = relay.Message;
        if (ActorOf(relay.First) is { } first)
        {
            var values = weights.Weights.Values;
            var to = RelayOf(first);
            for (int offset = 0; offset < values.Length; offset += _segmentLength)
            {
                var segment = SegmentArrays.Rent(Math.Min(_segmentLength, values.Length - offset));
                values.AsSpan(offset, segment.Length).CopyTo(segment);
                if (_transport.TellWritten(to, new WeightsSegment(weights.Version, offset, segment, weights.Precision), Self))
                    SegmentArrays.Return(segment);
            }
        }
        if (relay.Direct.Count > 0)
            _transport.Tell(relay.Direct.Select(ActorOf).OfType<IActorRef>().ToList(), weights, Self);
        weights.Loan?.Release();
    }

    private IActorRef RelayOf(IActorRef worker) => ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(worker.Path / StepRelay.Name);

    /// <summary>A segment of a step's sum from the plan's last hop; complete, it goes to the loop (read while it applies the step).</summary>
    private void OnSumSegment(SumSegment segment)
    {
        var sum = _relayedSum.Take(Sender.Path.ToString(), segment.Version, segment.Attempt, segment.Hop, segment.Offset, segment.Values, out string? problem);
        if (problem != null) DropFrom(Sender, segment, problem);
        // Copied into the sum (or refused): its array may take another segment. A segment from a relay of this process
        // is its array too: the relay gives back only what it has written on a lane.
        SegmentArrays.Return(segment.Values);
        if (sum != null) _loop.Handle(new SumRelayed(segment.Version, segment.Attempt, sum));
    }

    private void InjectFault()
    {
        if (_fault == CoordinatorFault.None) return;
        _log.Warning("Fault injection: the coordinator actor {Fault} after step 1", _fault == CoordinatorFault.Stop ? "stops" : "hangs");
        if (_fault == CoordinatorFault.Stop) Context.Stop(Self);
        else Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>
    /// A protocol message to one worker, through the payload transport (large ones to remote workers travel in chunks
    /// or over the bulk channel). An accepted worker is watched, so that its end becomes <see cref="WorkerLost"/>; a
    /// refused one is forgotten.
    /// </summary>
    private void Tell(WorkerId to, IProtocolMessage message)
    {
        if (ActorOf(to) is not { } actor) return;
        _transport.Tell(actor, message, Self);
        if (message is WorkerAccepted) Context.Watch(actor);
        else if (message is WorkerRefused) Forget(actor);
    }

    private void Lost(IActorRef actor)
    {
        if (!_ids.TryGetValue(actor, out var id)) return;
        Forget(actor);
        _loop.Handle(new WorkerLost(id, "stopped (actor or process ended)"));
    }

    private void Finished(RunSummary summary)
    {
        Timers.CancelAll();
        _journal.Finished(summary);
        foreach (var waiter in _completionWaiters) waiter.Tell(summary);
        _completionWaiters.Clear();
    }

    /// <summary>
    /// A message from a worker this actor knows (one that registered and was neither refused nor excluded, which
    /// forgets it); from anyone else it is dropped, and logged once per sender and minute.
    /// </summary>
    private void FromWorker(Func<WorkerId, ITrainingEvent> @event)
    {
        if (_ids.TryGetValue(Sender, out var id))
        {
            _loop.Handle(@event(id));
            return;
        }
        DropFrom(Sender, @event(default), "not a registered worker");
    }

    private void DropFrom(IActorRef sender, object message, string why)
    {
        string from = sender.Path.ToString();
        if (_unregisteredLog.TryPass(from, out int suppressed))
            _log.Warning("Dropped {Message} from {Sender}, which is {Why}{More}", message is ITrainingEvent e ? EventMessage(e) : message.GetType().Name, from, why,
                suppressed > 0 ? $"; {suppressed} more from it dropped since the last such line" : "");
    }

    private static string EventMessage(ITrainingEvent e) => e switch
    {
        ResultReceived => nameof(ShardCompleted),
        FailureReceived => nameof(ShardFailed),
        ProgressReceived => nameof(ShardProgress),
        _ => e.GetType().Name,
    };

    /// <summary>
    /// Who a registering worker is, across registrations: the identity its process made at start (kept when it
    /// rejoins from a new port or actor system) and the host it runs on, so an excluded worker stays excluded. It
    /// names a process and proves nothing: whoever may join (holds the join secret) can make new ones.
    /// </summary>
    public static string IdentityOf(IActorRef worker, RegisterWorker registration) =>
        $"{registration.WorkerIdentity}@{worker.Path.Address.Host ?? "in-process"}";

    /// <summary>The id of a registering worker: the one it had, or a new one.</summary>
    private WorkerId IdOf(IActorRef actor)
    {
        if (_ids.TryGetValue(actor, out var id)) return id;
        id = new WorkerId(++_lastId);
        _ids[actor] = id;
        _actors[id] = actor;
        return id;
    }

    private IActorRef? ActorOf(WorkerId id) => _actors.GetValueOrDefault(id);

    private void Forget(IActorRef actor)
    {
        Context.Unwatch(actor);
        if (_ids.Remove(actor, out var id)) _actors.Remove(id);
    }

    private static string Location(IActorRef actor) =>
        actor.Path.Address.HasGlobalScope ? actor.Path.Address.ToString() : $"{actor.Path.Address} in-process";
}
