using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// Holds one model replica. Registers with the coordinator, applies weight broadcasts, and turns shard
/// assignments into results. An assignment for weights it does not have yet waits for them; one for older
/// weights is answered at once as stale, so the coordinator's accounting of its window stays right.
/// Computation blocks this actor, so it runs on a dedicated thread (see <see cref="NodeDispatchers"/>).
/// It obeys only the coordinator it registered with: what steers it (acceptance, refusal, weights, shards, the end of
/// the run) from any other sender is dropped, and logged once per sender and minute.
/// </summary>
public sealed class TrainingWorker : ReceiveActor
{
    private readonly WorkerSettings _settings;
    private readonly Func<ModelConfig, IGradientEngine> _engineFactory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<ShardAssignment> _waitingForWeights = [];
    private readonly OncePerKey _ignoredLog = new();
    private readonly string _identity;
    /// <summary>The coordinator this worker registered with: the only sender it obeys.</summary>
    private IActorRef? _coordinator;
    private IGradientEngine? _engine;
    private long _version = -1;
    private const int MinProgressIntervalMs = 100, MaxProgressIntervalMs = 60_000;
    private TimeSpan _progressInterval = TimeSpan.FromSeconds(1);
    /// <summary>The precision the coordinator asked for this run's gradients (<see cref="WorkerAccepted.GradientPrecision"/>).</summary>
    private WirePrecision _gradientPrecision = WirePrecision.F32;
    private PayloadTransport _transport = null!;
    private readonly FaultInjector _faults;
    /// <summary>How this run moves gradients and weights (<see cref="WorkerAccepted.DataPlane"/>).</summary>
    private DataPlane _dataPlane = DataPlane.Star;
    /// <summary>Gradients of this step's shards, kept for the chain's running sum (<see cref="DataPlane.Chain"/>).</summary>
    private readonly KeptGradients _kept = new();
    private IActorRef _relay = ActorRefs.Nobody;

    public TrainingWorker(WorkerSettings settings, Func<ModelConfig, IGradientEngine> engineFactory, IActorRef? coordinator)
    {
        _settings = settings;
        _engineFactory = engineFactory;
        _coordinator = coordinator;
        _faults = new FaultInjector(settings.InjectedFault);
        _identity = settings.Identity ?? RegisterWorker.NewWorkerIdentity();
        Receive<ConnectTo>(m => Register(m.Coordinator));
        Receive<IProtocolMessage>(_ => !FromCoordinator(), Ignore);
        Receive<WorkerAccepted>(Accepted);
        Receive<WorkerRefused>(m =>
        {
            _log.Error("Coordinator {0} refused this worker: {1}", Sender.Path, m.Reason);
            Context.System.EventStream.Publish(new WorkerStopped(m.Reason, WorkerStopKind.Refused));
            Context.Stop(Self);
        });
        Receive<WeightsUpdate>(ApplyWeights);
        Receive<ShardAssignment>(Assigned);
        // Local only (no serializer can bring it from another node): the relay's assembled weights.
        Receive<StepRelay.WeightsAssembled>(Assembled);
        Receive<TrainingFinished>(m =>
        {
            _log.Info("Training finished: {0}", m.Reason);
            Context.System.EventStream.Publish(new WorkerStopped(m.Reason, WorkerStopKind.Finished));
            Context.Stop(Self);
        });
    }

    public static Props Props(WorkerSettings settings, Func<ModelConfig, IGradientEngine> engineFactory, IActorRef? coordinator = null) =>
        Akka.Actor.Props.Create(() => new TrainingWorker(settings, engineFactory, coordinator)).WithDispatcher(NodeDispatchers.Worker);

    /// <summary>Tells the worker which coordinator to register with (cluster mode finds it late).</summary>
    public sealed record ConnectTo(IActorRef Coordinator) : INoSerializationVerificationNeeded;

    /// <summary>Published on the event stream when the coordinator accepted this worker: it is ready for work (/readyz).</summary>
    public sealed record Registered(string RunId) : INoSerializationVerificationNeeded;

    /// <summary>Published on the event stream for each shard this worker computed and answered (/metrics).</summary>
    public sealed record ShardComputed(WorkKind Kind, TimeSpan ComputeTime) : INoSerializationVerificationNeeded;

    /// <summary>Published on the event stream when this worker stops, and why (the worker process exits on it).</summary>
    public sealed record WorkerStopped(string Reason, WorkerStopKind Kind) : INoSerializationVerificationNeeded;

    protected override void PreStart()
    {
        _transport = PayloadTransport.Get(Context.System);
        _relay = Context.ActorOf(StepRelay.Props(_kept, _settings.InjectedRelayDelay), StepRelay.Name);
        if (_coordinator != null) Register(_coordinator);
    }

    protected override void PostStop() => _engine?.Dispose();

    /// <summary>
    /// A failure outside a shard's computation (which answers <see cref="ShardFailed"/> instead) stops this worker with
    /// the reason, and its process exits 1; the coordinator sees it gone and hands its shards to the others. Akka's
    /// default restart would leave an actor without model, weights or coordinator that nobody notices.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            string reason = $"failed while handling {message.GetType().Name}: {e.Message}";
            _log.Error(e, "Leaving the run: this worker {0}", reason);
            Context.System.EventStream.Publish(new WorkerStopped(reason, WorkerStopKind.Failed));
            Context.Stop(Self);
            return true;
        }
    }

    private void Register(IActorRef coordinator)
    {
        _coordinator = coordinator;
        _transport.Tell(coordinator, new RegisterWorker(_settings.Name, ProtocolRevision.Current,
            Model.Runtime.TorchRuntime.TorchSharpVersion, Model.Runtime.TorchRuntime.LibTorchVersion,
            _settings.Threads, _settings.Capacity, _identity), Self);
    }

    /// <summary>
    /// Whether the message comes from the coordinator this worker registered with (by actor path: the same actor at
    /// the same address, whichever way it travelled, Akka.Remote or a message lane).
    /// </summary>
    private bool FromCoordinator() => _coordinator != null && Sender.Path.Equals(_coordinator.Path);

    private void Ignore(IProtocolMessage message)
    {
        string sender = Sender.Path.ToString();
        if (!_ignoredLog.TryPass(sender, out int suppressed)) return;
        _log.Warning("Ignored {0} from {1}: this worker obeys only the coordinator it registered with ({2}){3}",
            message.GetType().Name, sender, _coordinator?.Path.ToString() ?? "none yet",
            suppressed > 0 ? $"; {suppressed} more from it ignored since the last such line" : "");
    }

    private void Accepted(WorkerAccepted accepted)
    {
        _engine?.Dispose();
        _engine = null;
        try
        {
            _engine = _engineFactory(ModelConfigJson.Deserialize(accepted.ModelConfigJson));
        }
        catch (Exception e)
        {
            // Registering again would be refused the same way: this worker leaves, and the run goes on with the others.
            string reason = $"cannot build the model of run {accepted.RunId}: {e.Message}";
            _log.Error("Leaving the run: this worker {0}", reason);
            Context.System.EventStream.Publish(new WorkerStopped(reason, WorkerStopKind.Failed));
            Context.Stop(Self);
            return;
        }
        _version = -1;
        // Within bounds whatever the coordinator says: a beat per millisecond would only flood the link.
        _progressInterval = TimeSpan.FromMilliseconds(Math.Clamp(accepted.ProgressIntervalMs, MinProgressIntervalMs, MaxProgressIntervalMs));
        _gradientPrecision = accepted.GradientPrecision;
        _dataPlane = accepted.DataPlane;
        _relay.Tell(new StepRelay.Configure(_engine.Layout.TotalSize, _coordinator!));
        _log.Info("Registered with {0} for run {1}: {2} parameters, gradients sent in {3} on the {4} data plane", Sender.Path, accepted.RunId, _engine.Layout.TotalSize,
            _gradientPrecision.Name(), _dataPlane.ToString().ToLowerInvariant());
        Context.System.EventStream.Publish(new Registered(accepted.RunId));
    }

    private void ApplyWeights(WeightsUpdate update)
    {
        bool loaded;
        try
        {
            loaded = TryLoad(update);
        }
        finally
        {
            // Loaded (the engine keeps a copy) or not wanted: a broadcast's recycled buffer may be reused once every reader
            // is done, so it is released before the shards that waited for these weights are computed.
            update.Loan?.Release();
        }
        if (!loaded) return;
        var ready = _waitingForWeights.Where(a => a.Version <= _version).ToList();
        _waitingForWeights.RemoveAll(a => a.Version <= _version);
        foreach (var assignment in ready) Assigned(assignment);
    }

    /// <summary>Loads newer weights that fit the model into the engine; false when they are old or do not fit.</summary>
    private bool TryLoad(WeightsUpdate update)
    {
        if (_engine == null) return false;
        if (update.Version <= _version) return false;
        string? mismatch = _engine.Layout.DescribeMismatch(update.Weights);
        if (mismatch != null)
        {
            _log.Error("Ignoring weights for version {0}: {1}", update.Version, mismatch);
            return false;
        }
        _engine.SetWeights(update.Weights.Values);
        _version = update.Version;
        // The steps before these weights are applied: their gradients are summed.
        _kept.DropBefore(_version);
        return true;
    }

    /// <summary>The relay has every segment of new weights (the chain data plane): loaded like a broadcast.</summary>
    private void Assembled(StepRelay.WeightsAssembled weights)
    {
        if (_engine != null)
            ApplyWeights(new WeightsUpdate(weights.Version, new ParameterBuffer(_engine.Layout.ToSlots(), weights.Values), weights.Precision));
        // The engine keeps a copy of what it loads: the array goes back to the relay for the next weights.
        _relay.Tell(new StepRelay.WeightsLoaded(weights.Values));
    }

    private void Assigned(ShardAssignment assignment)
    {
        if (_engine == null || assignment.Version > _version)
        {
            _waitingForWeights.Add(assignment);
            return;
        }
        var replyTo = _coordinator!;
        if (assignment.Version < _version)
        {
            _transport.Tell(replyTo, new ShardFailed(assignment.Version, assignment.Kind, assignment.ShardIndex, "stale: newer weights already applied"), Self);
            return;
        }
        if (_faults.FailsEveryShard)
        {
            _transport.Tell(replyTo, new ShardFailed(assignment.Version, assignment.Kind, assignment.ShardIndex, "injected fault: fail-every-shard"), Self);
            return;
        }
        try
        {
            // The coordinator judges a worker by its silence: while this thread computes, another says it is at it.
            using var beats = new ProgressBeats(_transport, replyTo, Self, new ShardProgress(assignment.Version, assignment.Kind, assignment.ShardIndex), _progressInterval);
            var watch = Stopwatch.StartNew();
            if (_settings.InjectedDelay > TimeSpan.Zero) Thread.Sleep(_settings.InjectedDelay);
            var batch = assignment.Batch.ToBatch();
            ShardCompleted result;
            if (assignment.Kind == WorkKind.Train)
            {
                var shard = _engine.ComputeGradient(batch);
                // Rounded here, not only by the encoder: a coordinator in this process gets the array itself, and must
                // sum the same values as from a remote worker. Every path then carries them exactly (lanes, bulk, chunks).
                if (_gradientPrecision == WirePrecision.Bf16) BFloat16.Round(shard.Gradient);
                var gradient = _faults.Corrupt(shard.Gradient, _gradientPrecision);
                if (_dataPlane == DataPlane.Chain)
                {
                    // Kept here for the step's running sum; the coordinator gets what it checks a result by.
                    _kept.Keep(assignment.Version, assignment.ShardIndex, gradient);
                    result = new ShardCompleted(assignment.Version, assignment.Kind, assignment.ShardIndex, null,
                        shard.LossSum, shard.Count, 0, _gradientPrecision, GradientDigests.Of(gradient));
                }
                else
                    result = new ShardCompleted(assignment.Version, assignment.Kind, assignment.ShardIndex, gradient,
                        shard.LossSum, shard.Count, 0, _gradientPrecision);
            }
            else
            {
                var (lossSum, count) = _engine.Evaluate(batch);
                result = new ShardCompleted(assignment.Version, assignment.Kind, assignment.ShardIndex, null, lossSum, count, 0);
            }
            _transport.Tell(replyTo, result with { ComputeMilliseconds = watch.Elapsed.TotalMilliseconds }, Self);
            Context.System.EventStream.Publish(new ShardComputed(assignment.Kind, watch.Elapsed));
        }
        catch (ArgumentException e)
        {
            _log.Warning("Shard {0} of version {1} is malformed: {2}", assignment.ShardIndex, assignment.Version, e.Message);
            _transport.Tell(replyTo, new ShardFailed(assignment.Version, assignment.Kind, assignment.ShardIndex, e.Message), Self);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything else the engine throws (libtorch's errors among them) fails the shard, not the worker: a restarted
            // actor would lose its model and weights, and the coordinator would learn of it only by silence.
            _log.Error("Could not compute shard {0} of version {1}: {2}", assignment.ShardIndex, assignment.Version, e.Message);
            _transport.Tell(replyTo, new ShardFailed(assignment.Version, assignment.Kind, assignment.ShardIndex, $"{e.GetType().Name}: {e.Message}"), Self);
        }
    }
}
