using Akka.Actor;
using Akka.TestKit.Xunit2;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The coordinator hands the next step's shards out while the current step finishes (their data travels during
/// the computation), but never ahead of an evaluation, and a worker lost with such shards loses nothing.
/// The small adding run has 5 shards per step (batch 24, micro-batch 5) and evaluates after step 3.
/// </summary>
public sealed class HandOutAheadTests : TestKit, IDisposable
{
    private const int ShardsPerStep = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-ahead-").FullName;

    // Without serialize-messages: a test probe cannot be stopped with it on (system messages fail the check).
    public HandOutAheadTests() : base(NodeConfig.InProcess())
    {
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Shutdown();
    }

    private (IActorRef Coordinator, TrainingSetup Setup) StartCoordinator(int steps, int minWorkers, bool noBackups = false) =>
        InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), steps, minWorkers, noBackups);

    private static RegisterWorker Registration(string name, int window) => new(name, ProtocolRevision.Current, "0.107.0", "2.10.0", 1, window);

    private static ShardCompleted ZeroGradient(ShardAssignment assignment, int parameters) =>
        new(assignment.Version, assignment.Kind, assignment.ShardIndex, new float[parameters], 1.0, assignment.Batch.Count, 1);

    [Fact]
    public void The_next_steps_shards_arrive_before_its_weights_but_never_across_an_evaluation()
    {
        var (coordinator, setup) = StartCoordinator(steps: 4, minWorkers: 1);
        int parameters = setup.Master.Layout.TotalSize;
        var worker = CreateTestProbe();
        coordinator.Tell(Registration("wide-window", window: 16), worker.Ref);
        worker.ExpectMsg<WorkerAccepted>(Patience);
        Assert.Equal(0, worker.ExpectMsg<WeightsUpdate>(Patience).Version);

        // Step 1's shards, then step 2's, all before any result: the window has room for both steps.
        var handedOut = Enumerable.Range(0, 2 * ShardsPerStep).Select(_ => worker.ExpectMsg<ShardAssignment>(Patience)).ToList();
        Assert.Equal([.. Enumerable.Repeat(0L, ShardsPerStep), .. Enumerable.Repeat(1L, ShardsPerStep)], handedOut.Select(a => a.Version));
        Assert.Equal(2 * ShardsPerStep, handedOut.Select(a => (a.Version, a.ShardIndex)).Distinct().Count());

        // Step 1 done: step 2 is already out, so step 3's shards follow the weights at once.
        Answer(coordinator, worker, handedOut.Where(a => a.Version == 0), parameters);
        Assert.Equal(1, worker.ExpectMsg<WeightsUpdate>(Patience).Version);
        var step3 = Enumerable.Range(0, ShardsPerStep).Select(_ => worker.ExpectMsg<ShardAssignment>(Patience)).ToList();
        Assert.All(step3, a => Assert.Equal((2L, WorkKind.Train), (a.Version, a.Kind)));

        // Step 2 done: an evaluation follows step 3, so step 4 is not handed out ahead of it.
        Answer(coordinator, worker, handedOut.Where(a => a.Version == 1), parameters);
        Assert.Equal(2, worker.ExpectMsg<WeightsUpdate>(Patience).Version);
        Answer(coordinator, worker, step3, parameters);
        var beforeStep3Weights = new List<object>();
        worker.FishForMessage(message =>
        {
            beforeStep3Weights.Add(message);
            return message is WeightsUpdate { Version: 3 };
        }, TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(beforeStep3Weights, m => m is ShardAssignment);
        Assert.Equal(WorkKind.Evaluate, worker.ExpectMsg<ShardAssignment>(Patience).Kind);
    }

    [Fact]
    public void Shards_held_for_the_next_step_never_keep_a_worker_from_this_steps_shards()
    {
        var (coordinator, setup) = StartCoordinator(steps: 4, minWorkers: 2, noBackups: true);
        int parameters = setup.Master.Layout.TotalSize;
        var doomed = CreateTestProbe();
        var steady = CreateTestProbe();
        coordinator.Tell(Registration("doomed", window: 2), doomed.Ref);
        coordinator.Tell(Registration("steady", window: 2), steady.Ref);
        var doomedShards = Enumerable.Range(0, 2).Select(_ => doomed.FishForMessage<ShardAssignment>(_ => true, Patience)).ToList();
        Assert.Equal([0, 2], doomedShards.Select(a => a.ShardIndex));

        // The steady worker answers step 1's shards 1, 3 and 4; its whole window then holds step 2's shards.
        var held = new List<ShardAssignment>();
        while (held.Count(a => a.Version == 1) < 2)
        {
            var assignment = steady.FishForMessage<ShardAssignment>(_ => true, Patience);
            if (assignment.Version == 0) coordinator.Tell(ZeroGradient(assignment, parameters), steady.Ref);
            held.Add(assignment);
        }
        Assert.Equal([1, 3, 4], held.Where(a => a.Version == 0).Select(a => a.ShardIndex));

        // The doomed worker dies with shards 0 and 2 of step 1: they must go to the steady worker regardless.
        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref, Patience);
        var reassigned = Enumerable.Range(0, 2).Select(_ => steady.FishForMessage<ShardAssignment>(_ => true, Patience)).ToList();
        Assert.Equal([(0L, 0), (0L, 2)], reassigned.Select(a => (a.Version, a.ShardIndex)));
    }

    private static void Answer(IActorRef coordinator, Akka.TestKit.TestProbe worker, IEnumerable<ShardAssignment> assignments, int parameters)
    {
        foreach (var assignment in assignments) coordinator.Tell(ZeroGradient(assignment, parameters), worker.Ref);
    }

    [Fact]
    public async Task A_worker_that_dies_holding_the_next_steps_shards_changes_nothing()
    {
        var (coordinator, setup) = StartCoordinator(steps: 4, minWorkers: 2);
        var doomed = CreateTestProbe();
        coordinator.Tell(Registration("doomed", window: 16), doomed.Ref);
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("survivor"), GradientEngines.Create, coordinator), "survivor");

        // The doomed worker takes part of step 1 and, ahead, step 2; it answers nothing and then stops.
        doomed.FishForMessage(message => message is ShardAssignment { Version: 1 }, TimeSpan.FromMinutes(1));
        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref, Patience);

        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), TimeSpan.FromMinutes(2));
        Assert.False(summary.Failed, summary.Reason);
        Assert.Equal(4, summary.Steps);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), 4), workers: 1);
        Assert.Equal(reference.Weights, setup.Master.Weights);
    }
}
