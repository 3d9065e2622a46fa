using Akka.Actor;
using Akka.TestKit.Xunit2;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// Issue 16 end to end: real worker actors (TorchSharp) beside one with an injected fault (<c>--inject-fault</c>), and
/// the final weights are still the fault-free run's, bit for bit. The rules themselves are tested on the loop alone
/// (<see cref="LoopFaultTests"/>, <see cref="VerificationTests"/>).
/// </summary>
public sealed class FaultyWorkerTests : TestKit, IDisposable
{
    private const int Steps = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-faulty-").FullName;

    public FaultyWorkerTests() : base(NodeConfig.InProcess())
    {
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Shutdown();
    }

    /// <summary>Runs <see cref="Steps"/> steps with the given workers (name, fault); returns the final weights.</summary>
    private async Task<float[]> RunWith(double verifyFraction, params (string Name, WorkerFault Fault)[] workers)
    {
        Sys.EventStream.Subscribe(TestActor, typeof(TrainingWorker.WorkerStopped));
        var (coordinator, setup) = InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), Steps, minWorkers: workers.Length,
            plan => plan with { VerifyFraction = verifyFraction });
        foreach (var (name, fault) in workers)
            Sys.ActorOf(TrainingWorker.Props(new WorkerSettings(name, InjectedFault: fault), GradientEngines.Create, coordinator), name);
        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), Patience);
        Assert.False(summary.Failed, summary.Reason);
        Assert.Equal(Steps, summary.Steps);
        return setup.Master.Weights;
    }

    private async Task<float[]> FaultFreeWeights() =>
        (await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), Steps), workers: 1)).Weights;

    private void ExpectOneRefused() =>
        FishForMessage(m => m is TrainingWorker.WorkerStopped { Kind: WorkerStopKind.Refused }, Patience);

    [Fact]
    public async Task A_worker_that_sends_1e30_gradients_changes_nothing_in_the_weights()
    {
        var weights = await RunWith(verifyFraction: 0, ("honest", WorkerFault.None), ("huge", WorkerFault.HugeGradient));

        Assert.Equal(await FaultFreeWeights(), weights);
    }

    [Fact]
    public async Task A_worker_that_fails_every_shard_is_excluded_and_the_run_ends_with_the_fault_free_weights()
    {
        var weights = await RunWith(verifyFraction: 0, ("honest", WorkerFault.None), ("failing", WorkerFault.FailEveryShard));

        ExpectOneRefused();
        Assert.Equal(await FaultFreeWeights(), weights);
    }

    [Fact]
    public async Task Verified_training_catches_a_worker_that_flips_one_bit_in_1_percent_of_its_gradients_and_the_weights_stay_the_fault_free_runs()
    {
        var weights = await RunWith(verifyFraction: 1, ("honest-1", WorkerFault.None), ("flipper", WorkerFault.FlipBit1Pct), ("honest-2", WorkerFault.None));

        ExpectOneRefused();
        Assert.Equal(await FaultFreeWeights(), weights);
    }
}
