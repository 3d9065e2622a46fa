using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// A <see cref="TrainingLoop"/> on a fake clock, with test-made workers: the small adding run of
/// <see cref="InProcessTraining.SmallAdding"/> (5 shards per step: batch 24 in micro-shards of 5, evaluation after
/// step 3). Every action the loop emits is kept, in order; nothing computes unless the test answers.
/// </summary>
public sealed class LoopHarness
{
    public const int ShardsPerStep = 5;

    private readonly Dictionary<string, WorkerId> _names = [];
    private readonly List<(WorkerId, long, WorkKind, int)> _answered = [];
    private int _taken;

    public LoopHarness(int steps, int minWorkers, Func<TrainingPlan, TrainingPlan>? adjust = null, Func<TrainingOptions, TrainingOptions>? adjustOptions = null)
    {
        var small = InProcessTraining.SmallAdding(Path.Combine(Path.GetTempPath(), "attnrnn-loop-unused"), steps);
        var options = adjustOptions?.Invoke(small) ?? small;
        Setup = TrainingSetup.Create(options with { Run = options.Run with { LocalWorkers = minWorkers } });
        var plan = Setup.Plan with { MinWorkers = minWorkers };
        Plan = adjust?.Invoke(plan) ?? plan;
        Loop = new TrainingLoop(Plan, Setup.Data, Setup.Master, "loop-test", Clock, Actions.Add);
        Loop.Start();
    }

    public FakeTimeProvider Clock { get; } = new();
    public List<ITrainingAction> Actions { get; } = [];
    public TrainingSetup Setup { get; }
    public TrainingPlan Plan { get; }
    public TrainingLoop Loop { get; }
    public int Parameters => Setup.Master.Layout.TotalSize;

    /// <summary>A worker named <paramref name="name"/> registers (again, if it did before: same id and identity).</summary>
    public WorkerId Join(string name, int window = 2, int revision = ProtocolRevision.Current)
    {
        if (!_names.TryGetValue(name, out var id)) _names[name] = id = new WorkerId(100 + _names.Count);
        return JoinAs(id, name, window, revision);
    }

    /// <summary>
    /// The worker process of <paramref name="name"/> (its identity) registers under <paramref name="id"/>, from
    /// <paramref name="location"/>: an actor on a new port or in a fresh actor system has a new id.
    /// </summary>
    public WorkerId JoinAs(WorkerId id, string name, int window = 2, int revision = ProtocolRevision.Current, string location = "in-process")
    {
        Loop.Handle(new WorkerRegistered(id, $"{name}-identity@in-process", location, new RegisterWorker(name, revision, "0.107.0", "2.10.0", 1, window, $"{name}-identity")));
        return id;
    }

    /// <summary>The assignments sent to <paramref name="worker"/> since the last call of this method (for any worker).</summary>
    public List<ShardAssignment> NewAssignments(WorkerId worker)
    {
        var fresh = Actions.Skip(_taken).ToList();
        _taken = Actions.Count;
        return fresh.OfType<Send>().Where(s => s.To == worker).Select(s => s.Message).OfType<ShardAssignment>().ToList();
    }

    /// <summary>Every assignment sent to <paramref name="worker"/> so far.</summary>
    public List<ShardAssignment> AllAssignments(WorkerId worker) =>
        Actions.OfType<Send>().Where(s => s.To == worker).Select(s => s.Message).OfType<ShardAssignment>().ToList();

    public List<T> SentTo<T>(WorkerId worker) => Actions.OfType<Send>().Where(s => s.To == worker).Select(s => s.Message).OfType<T>().ToList();

    public List<string> Notes(LogEventLevel level) => Actions.OfType<Note>().Where(n => n.Level == level).Select(n => n.Text).ToList();

    public List<long> BroadcastVersions() => Actions.OfType<Broadcast>().Select(b => ((WeightsUpdate)b.Message).Version).ToList();

    /// <summary>The assignments of <paramref name="worker"/> it has not answered, oldest first.</summary>
    public List<ShardAssignment> Pending(WorkerId worker, long? version = null)
    {
        // A shard can be assigned to the same worker again (after a bad result): each answer settles one assignment.
        var answers = _answered.Where(a => a.Item1 == worker).ToList();
        var pending = new List<ShardAssignment>();
        foreach (var assignment in AllAssignments(worker))
        {
            if (!answers.Remove((worker, assignment.Version, assignment.Kind, assignment.ShardIndex))) pending.Add(assignment);
        }
        return pending.Where(a => version == null || a.Version == version).ToList();
    }

    /// <summary>A valid result (zero gradient, loss 1) for the assignment, as a worker computing it would send.</summary>
    public void Answer(WorkerId worker, ShardAssignment assignment) =>
        AnswerWith(worker, assignment, assignment.Kind == WorkKind.Train ? new float[Parameters] : null);

    public void AnswerWith(WorkerId worker, ShardAssignment assignment, float[]? gradient, double loss = 1.0, double computeMs = 1)
    {
        _answered.Add((worker, assignment.Version, assignment.Kind, assignment.ShardIndex));
        Loop.Handle(new ResultReceived(worker, new ShardCompleted(assignment.Version, assignment.Kind, assignment.ShardIndex,
            gradient, loss, ExpectedItems(assignment), ComputeMilliseconds: computeMs)));
    }

    /// <summary>A chain data plane's result: the gradient stays with the worker, the loop gets its <paramref name="digest"/>.</summary>
    public void AnswerWithDigest(WorkerId worker, ShardAssignment assignment, GradientDigest digest)
    {
        _answered.Add((worker, assignment.Version, assignment.Kind, assignment.ShardIndex));
        Loop.Handle(new ResultReceived(worker, new ShardCompleted(assignment.Version, assignment.Kind, assignment.ShardIndex,
            null, 1.0, ExpectedItems(assignment), ComputeMilliseconds: 1, Digest: digest)));
    }

    /// <summary>A gradient of <paramref name="value"/> everywhere (a training assignment), or none (an evaluation one).</summary>
    public float[]? Filled(ShardAssignment assignment, float value) =>
        assignment.Kind == WorkKind.Train ? Enumerable.Repeat(value, Parameters).ToArray() : null;

    /// <summary>The worker answers the assignment with <c>ShardFailed</c>.</summary>
    public void Fail(WorkerId worker, ShardAssignment assignment, string reason = "cannot compute")
    {
        _answered.Add((worker, assignment.Version, assignment.Kind, assignment.ShardIndex));
        Loop.Handle(new FailureReceived(worker, new ShardFailed(assignment.Version, assignment.Kind, assignment.ShardIndex, reason)));
    }

    public void Answer(WorkerId worker, IEnumerable<ShardAssignment> assignments)
    {
        foreach (var assignment in assignments.ToList()) Answer(worker, assignment);
    }

    public void Beat(WorkerId worker, ShardAssignment assignment) =>
        Loop.Handle(new ProgressReceived(worker, new ShardProgress(assignment.Version, assignment.Kind, assignment.ShardIndex)));

    /// <summary>Time passes, and the loop hears of it as the actor's ticks would tell it.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Loop.Handle(Tick.Now);
    }

    private static long ExpectedItems(ShardAssignment assignment) => assignment.Batch.Count;
}
