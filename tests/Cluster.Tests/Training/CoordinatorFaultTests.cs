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
/// The coordinator actor against misbehaving workers, in one actor system with a real worker beside a test probe. The
/// rules themselves are tested on the loop alone (<see cref="TrainingLoopTests"/>); these check that the actor carries
/// them out with real messages and TorchSharp, and that the result stays the in-process run's bits.
/// </summary>
public sealed class CoordinatorFaultTests : TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-faults-").FullName;

    public CoordinatorFaultTests() : base(NodeConfig.InProcess("akka.actor.serialize-messages = on"))
    {
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Shutdown();
    }

    private (IActorRef Coordinator, TrainingSetup Setup) StartCoordinator(int steps, int minWorkers) =>
        InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), steps, minWorkers);

    [Fact]
    public void A_worker_with_another_protocol_revision_is_refused_with_the_reason()
    {
        var (coordinator, _) = StartCoordinator(steps: 1, minWorkers: 1);
        var worker = CreateTestProbe();

        coordinator.Tell(new RegisterWorker("old", ProtocolRevision.Current + 1, "0.107.0", "2.10.0", 1, 2, RegisterWorker.NewWorkerIdentity()), worker.Ref);

        var refused = worker.ExpectMsg<WorkerRefused>();
        Assert.Contains($"protocol revision {ProtocolRevision.Current + 1}", refused.Reason);
        Assert.Contains("run the same AttnRnnCluster version everywhere", refused.Reason);
    }

    [Fact]
    public async Task A_worker_sending_NaN_gradients_is_excluded_and_the_result_is_unchanged()
    {
        var (coordinator, setup) = StartCoordinator(steps: 4, minWorkers: 2);
        var bad = CreateTestProbe();
        coordinator.Tell(new RegisterWorker("nan-sender", ProtocolRevision.Current, "0.107.0", "2.10.0", 1, 2, RegisterWorker.NewWorkerIdentity()), bad.Ref);
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("honest"), GradientEngines.Create, coordinator), "honest");

        int poisoned = 0;
        bad.FishForMessage(message =>
        {
            if (message is ShardAssignment assignment)
            {
                var gradient = Enumerable.Repeat(float.NaN, setup.Master.Layout.TotalSize).ToArray();
                long count = assignment.Batch.Count;
                coordinator.Tell(new ShardCompleted(assignment.Version, assignment.Kind, assignment.ShardIndex, gradient, 1.0, count, 1), bad.Ref);
                poisoned++;
            }
            return message is WorkerRefused;
        }, TimeSpan.FromMinutes(1));

        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), TimeSpan.FromMinutes(2));
        Assert.True(poisoned >= 3, $"excluded after {poisoned} poisoned results; the limit is 3");
        Assert.False(summary.Failed);
        Assert.Equal(4, summary.Steps);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), 4), workers: 1);
        Assert.Equal(reference.Weights, setup.Master.Weights);
    }
}
