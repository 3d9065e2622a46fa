using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// A worker's part in the chain data plane (<see cref="DataPlane.Chain"/>), a child of its <see cref="TrainingWorker"/>
/// on a thread of its own, so relaying never waits for a shard being computed: the coordinator sends it its plans
/// directly (only the one its worker registered with is obeyed), not through the worker, which may be computing. For
/// each <see cref="StepPlan"/> the coordinator sends: <b>the sum</b>, segment by segment as they come from the worker before it (or, first in the
/// chain, from its own first shard), plus its kept gradients of the plan's shards in shard order, on to the next
/// worker (or the coordinator): the bits of the coordinator's own sum in shard order; <b>the weights</b>, each segment
/// copied into the new weights and passed on to the next worker, and once all are in, handed to the worker. A plan
/// may come in several messages (the sum starts before the round is complete); they add up. Segments that come before
/// the plan's message that places them (another worker's came first) wait, up to two models' worth; anything from a
/// sender the plan does not name, for another step, or of a wrong size is dropped (and logged once per sender and
/// minute). Every part done is reported to the coordinator (<see cref="RelayDone"/>).
/// </summary>
public sealed class StepRelay : ReceiveActor
{
    public const string Name = "relay";

    private readonly KeptGradients _kept;
    private readonly TimeSpan _injectedDelay;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly OncePerKey _droppedLog = new(TimeSpan.FromMinutes(1));
    private readonly List<(IActorRef Sender, IProtocolMessage Message, int Values)> _early = [];
    /// <summary>The coordinator the worker registered with: the only sender of plans this relay obeys, and whom it reports to.</summary>
    private IActorRef? _coordinator;
    private PayloadTransport _transport = null!;
    private int _parameterCount;
    private StepPlan? _plan;
    /// <summary>Per hop of this worker in the current plan: its part, and which segments it has sent on.</summary>
    private readonly Dictionary<int, Hop> _hops = [];

    private sealed class Hop(RelayPart part, int segments)
    {
        public RelayPart Part { get; } = part;
        public bool[] Sent { get; } = new bool[segments];
        public int SentCount { get; set; }
    }
    private bool[] _weightsDone = [];
    private int _weightsSegmentsDone;
    private float[]? _weights;
    private WirePrecision _weightsPrecision;
    /// <summary>
    /// Assembled weights the worker has loaded and handed back (<see cref="WeightsLoaded"/>): the next weights go there
    /// instead of into a fresh array (a model's worth of new pages, zeroed by the kernel, every step).
    /// </summary>
    private float[]? _spare;

    public StepRelay(KeptGradients kept, TimeSpan injectedDelay = default)
    {
        _kept = kept;
        _injectedDelay = injectedDelay;
        Receive<Configure>(m =>
        {
            _parameterCount = m.ParameterCount;
            _coordinator = m.Coordinator;
            _plan = null;
            _early.Clear();
        });
        Receive<StepPlan>(Planned);
        Receive<SumSegment>(m => OnSum(Sender, m));
        Receive<WeightsSegment>(m => OnWeights(Sender, m));
        Receive<WeightsLoaded>(m => _spare = m.Values.Length == _parameterCount ? m.Values : _spare);
    }

    public static Props Props(KeptGradients kept, TimeSpan injectedDelay = default) =>
        Akka.Actor.Props.Create(() => new StepRelay(kept, injectedDelay)).WithDispatcher(NodeDispatchers.Worker);

    /// <summary>
    /// From the worker, on registration: the model's parameter count (what every plan and segment must fit) and the
    /// coordinator it registered with (the only sender of plans obeyed).
    /// </summary>
    public sealed record Configure(int ParameterCount, IActorRef Coordinator) : INoSerializationVerificationNeeded;

    /// <summary>To the worker: the new weights, all in.</summary>
    public sealed record WeightsAssembled(long Version, float[] Values, WirePrecision Precision) : INoSerializationVerificationNeeded;

    /// <summary>From the worker: it has loaded (or dropped) assembled weights; their array may take the next ones.</summary>
    public sealed record WeightsLoaded(float[] Values) : INoSerializationVerificationNeeded;

    protected override void PreStart() => _transport = PayloadTransport.Get(Context.System);

    /// <summary>
    /// A plan from the coordinator. The messages of one attempt add up: their parts are this relay's hops, and the
    /// completing one gives its place in the weights' chain (and repeats the parts, so that their order does not
    /// matter). A newer attempt or step replaces the plan; an older one is ignored.
    /// </summary>
    private void Planned(StepPlan plan)
    {
        if (_coordinator == null || !Sender.Path.Equals(_coordinator.Path))
        {
            Dropped(Sender, $"a plan of step {plan.Version + 1}, from a sender that is not the coordinator this worker registered with");
            return;
        }
        if (plan.ParameterCount != _parameterCount || plan.SegmentLength < 1 || plan.SegmentLength > StepPlan.MaxSegmentLength)
        {
            _log.Warning("Ignored the plan of step {0}: {1} parameters in segments of {2}, this model has {3}", plan.Version + 1, plan.ParameterCount, plan.SegmentLength, _parameterCount);
            return;
        }
        if (_plan is { } current && current.Version == plan.Version && current.Attempt == plan.Attempt)
        {
            if (plan.SegmentLength != current.SegmentLength)
            {
                _log.Warning("Ignored a part of the plan of step {0} in segments of {1}: its first part has {2}", plan.Version + 1, plan.SegmentLength, current.SegmentLength);
                return;
            }
        }
        else
        {
            if (_plan is { } older && (plan.Version < older.Version || (plan.Version == older.Version && plan.Attempt < older.Attempt))) return;
            // A new attempt of the same step keeps the weights it may have started to receive.
            bool sameWeights = _plan?.Version == plan.Version;
            _plan = plan with { Parts = [], WeightsFrom = null, WeightsTo = null, Complete = false };
            _hops.Clear();
            if (!sameWeights)
            {
                _weightsDone = new bool[plan.SegmentCount];
                _weightsSegmentsDone = 0;
                _weights = null;
            }
        }
        if (plan.Complete) _plan = _plan with { WeightsFrom = plan.WeightsFrom, WeightsTo = plan.WeightsTo, Complete = true };
        var added = plan.Parts.Where(part => _hops.TryAdd(part.Hop, new Hop(part, plan.SegmentCount))).ToList();
        foreach (var part in added)
            if (part.SumFrom == null && part.Shards.Length > 0) StartSum(_plan, part);
        var early = _early.ToList();
        _early.Clear();
        foreach (var (sender, message, _) in early)
        {
            if (message is SumSegment sum) OnSum(sender, sum);
            else if (message is WeightsSegment weights) OnWeights(sender, weights);
        }
    }

    /// <summary>Hop 0: the sum starts with its first shard, plus the others in order, segment by segment.</summary>
    private void StartSum(StepPlan plan, RelayPart part)
    {
        var gradients = KeptOf(plan, part);
        if (gradients == null) return;
        for (int segment = 0; segment < plan.SegmentCount; segment++)
        {
            int offset = segment * plan.SegmentLength;
            int length = Math.Min(plan.SegmentLength, plan.ParameterCount - offset);
            var values = SegmentArrays.Rent(length);
            gradients[0].AsSpan(offset, length).CopyTo(values);
            for (int k = 1; k < gradients.Length; k++) GradientSum.AddTo(values, gradients[k].AsSpan(offset, length));
            SendSum(plan, part, segment, offset, values);
        }
    }

    private void OnSum(IActorRef sender, SumSegment segment)
    {
        if (!Fits(segment.Version, segment.Attempt, sender, segment, segment.Values.Length)) return;
        var plan = _plan!;
        if (!_hops.TryGetValue(segment.Hop, out var hop) && !plan.Complete && segment.Hop > _hops.Keys.DefaultIfEmpty(-1).Max())
        {
            // Its part comes with a later message of the plan (once the results after it are in): hops are planned in
            // order, so it can only be a hop after every one planned here so far.
            Wait(sender, segment, segment.Values.Length);
            return;
        }
        if (hop == null || hop.Part.SumFrom == null || !sender.Path.Equals(hop.Part.SumFrom.Path))
        {
            Dropped(sender, $"a segment of the sum of step {segment.Version + 1} for hop {segment.Hop}, which this relay's plan does not take from that sender");
            return;
        }
        if (!SegmentAt(plan, segment.Offset, segment.Values.Length, out int index) || hop.Sent[index]) return;
        var gradients = KeptOf(plan, hop.Part);
        if (gradients == null) return;
        // The segment is this relay's own (decoded, or handed over by a sender that keeps no reference): added to in place.
        foreach (var gradient in gradients) GradientSum.AddTo(segment.Values, gradient.AsSpan(segment.Offset, segment.Values.Length));
        SendSum(plan, hop.Part, index, segment.Offset, segment.Values);
    }

    private void SendSum(StepPlan plan, RelayPart part, int index, int offset, float[] values)
    {
        // Fault injection (a slow relay): held once per hop, before its first segment goes on.
        var hop = _hops[part.Hop];
        if (_injectedDelay > TimeSpan.Zero && hop.SentCount == 0)
        {
            _log.Info("Fault injection: holding the sum of step {0} (hop {1}) for {2} ms before passing it on", plan.Version + 1, part.Hop + 1, _injectedDelay.TotalMilliseconds);
            Thread.Sleep(_injectedDelay);
        }
        if (_transport.TellWritten(part.SumTo, new SumSegment(plan.Version, plan.Attempt, part.Hop + 1, offset, values), Context.Parent))
            SegmentArrays.Return(values);
        hop.Sent[index] = true;
        if (++hop.SentCount == hop.Sent.Length)
            _transport.Tell(_coordinator!, new RelayDone(plan.Version, plan.Attempt, RelayStage.Sum, part.Hop), Context.Parent);
    }

    /// <summary>The kept gradients of the part's shards, in shard order; null (logged) when one is missing.</summary>
    private float[][]? KeptOf(StepPlan plan, RelayPart part)
    {
        var gradients = new float[part.Shards.Length][];
        for (int k = 0; k < part.Shards.Length; k++)
        {
            var gradient = _kept.Find(plan.Version, part.Shards[k]);
            if (gradient == null || gradient.Length != plan.ParameterCount)
            {
                // The coordinator sees this relay's part stall, and has the shard computed again by another worker.
                _log.Warning("Cannot add shard {0} of step {1} to the sum: this worker does not hold its gradient", part.Shards[k], plan.Version + 1);
                return null;
            }
            gradients[k] = gradient;
        }
        return gradients;
    }

    private void OnWeights(IActorRef sender, WeightsSegment segment)
    {
        if (!Fits(segment.Version - 1, null, sender, segment, segment.Values.Length)) return;
        var plan = _plan!;
        if (!plan.Complete)
        {
            // This relay's place in the weights' chain comes with the plan's completing message.
            Wait(sender, segment, segment.Values.Length);
            return;
        }
        if (plan.WeightsFrom == null || !sender.Path.Equals(plan.WeightsFrom.Path))
        {
            Dropped(sender, $"a segment of the weights of version {segment.Version} from a node this relay's plan does not take them from");
            return;
        }
        if (!SegmentAt(plan, segment.Offset, segment.Values.Length, out int index) || _weightsDone[index]) return;
        if (_weights == null)
        {
            _weights = _spare?.Length == plan.ParameterCount ? _spare : new float[plan.ParameterCount];
            _spare = null;
            _weightsPrecision = segment.Precision;
        }
        else if (segment.Precision != _weightsPrecision)
        {
            Dropped(sender, $"a segment of the weights of version {segment.Version} in {segment.Precision.Name()}, the others came in {_weightsPrecision.Name()}");
            return;
        }
        segment.Values.CopyTo(_weights, segment.Offset);
        if (plan.WeightsTo == null || _transport.TellWritten(plan.WeightsTo, segment, Context.Parent))
            SegmentArrays.Return(segment.Values);
        _weightsDone[index] = true;
        if (++_weightsSegmentsDone < _weightsDone.Length) return;
        _transport.Tell(_coordinator!, new RelayDone(plan.Version, plan.Attempt, RelayStage.Weights, -1), Context.Parent);
        Context.Parent.Tell(new WeightsAssembled(segment.Version, _weights, _weightsPrecision), _coordinator);
        _weights = null;
    }

    /// <summary>
    /// Whether a segment belongs to the current plan (step from weights <paramref name="version"/>, and the attempt when
    /// given). One for a plan not come yet waits (bounded); one for an older plan is dropped.
    /// </summary>
    private bool Fits(long version, int? attempt, IActorRef sender, IProtocolMessage message, int values)
    {
        if (_plan is { } plan && plan.Version == version && (attempt == null || attempt == plan.Attempt)) return true;
        bool later = _plan == null || version > _plan.Version || (version == _plan.Version && attempt > _plan.Attempt);
        if (later) Wait(sender, message, values);
        return false;
    }

    /// <summary>
    /// A segment this relay's plan does not place yet waits for it, up to two models' worth; beyond that it is dropped.
    /// One of a newer step or attempt than others waiting makes those void (their plan was replaced): they go first.
    /// </summary>
    private void Wait(IActorRef sender, IProtocolMessage message, int values)
    {
        var plan = PlanOf(message);
        _early.RemoveAll(e => PlanOf(e.Message).CompareTo(plan) < 0);
        if (_early.Sum(e => (long)e.Values) + values > 2L * _parameterCount || _early.Count >= 2 * (_parameterCount / 1024 + 16))
        {
            Dropped(sender, "a segment before the plan that places it, with two models' worth waiting already");
            return;
        }
        _early.Add((sender, message, values));
    }

    /// <summary>The plan a waiting segment belongs to: a sum segment's step and attempt; weights come after any attempt of the step before them.</summary>
    private static (long Version, int Attempt) PlanOf(IProtocolMessage message) => message switch
    {
        SumSegment sum => (sum.Version, sum.Attempt),
        WeightsSegment weights => (weights.Version - 1, int.MaxValue),
        _ => (long.MinValue, 0),
    };

    /// <summary>The index of the segment at <paramref name="offset"/>, when its length is the one the plan gives it.</summary>
    private bool SegmentAt(StepPlan plan, int offset, int length, out int index)
    {
        index = offset / plan.SegmentLength;
        if (offset >= 0 && offset % plan.SegmentLength == 0 && index < plan.SegmentCount
            && length == Math.Min(plan.SegmentLength, plan.ParameterCount - offset)) return true;
        Dropped(Sender, $"a segment at offset {offset} of {length} values, which does not fit the plan's {plan.SegmentCount} segments of {plan.SegmentLength}");
        return false;
    }

    private void Dropped(IActorRef sender, string what)
    {
        if (!_droppedLog.TryPass(sender.Path.ToString(), out int suppressed)) return;
        _log.Warning("Dropped {0} (from {1}){2}", what, sender.Path, suppressed > 0 ? $"; {suppressed} more dropped since the last such line" : "");
    }
}
