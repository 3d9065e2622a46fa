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
/// The coordinator actor with a worker lost while it holds the next step's shards, handed out ahead: a real worker
/// actor beside a test probe, and the result stays the in-process run's bits. The hand-out-ahead rules themselves are
/// tested on the loop alone (<see cref="TrainingLoopTests"/>).
/// </summary>
public sealed class WorkerLossTests : TestKit, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-ahead-").FullName;

    // Without serialize-messages: a test probe cannot be stopped with it on (system messages fail the check).
    public WorkerLossTests() : base(NodeConfig.InProcess())
    {
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Shutdown();
    }

    private (IActorRef Coordinator, TrainingSetup Setup) StartCoordinator(int steps, int minWorkers) =>
        InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), steps, minWorkers);

    private static RegisterWorker Registration(string name, int window) => new(name, ProtocolRevision.Current, "0.107.0", "2.10.0", 1, window, RegisterWorker.NewWorkerIdentity());

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
