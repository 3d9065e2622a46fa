using Akka.Actor;
using Akka.TestKit.Xunit2;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Hosting;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// An exception inside the coordinator or a worker actor, with real actors and TorchSharp: the run either goes on with
/// its state intact or ends at once with the reason, never stopping silently or restarting into a forgetful state.
/// </summary>
public sealed class ActorFailureTests : TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-failure-").FullName;

    public ActorFailureTests() : base(NodeConfig.InProcess())
    {
    }

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Shutdown();
    }

    private const int Steps = 4;

    [Fact]
    public async Task A_worker_that_cannot_build_the_model_says_why_and_leaves_and_the_run_finishes_with_the_others_bits()
    {
        var (coordinator, setup) = StartCoordinator();
        var left = StartAndExpectToLeave(coordinator, _ => throw new InvalidOperationException("not enough memory for the model (test)"));

        Assert.Equal(("cannot build the model of run test-run: not enough memory for the model (test)", WorkerStopKind.Failed), (left.Reason, left.Kind));
        await FinishesWithTheFaultFreeBits(coordinator, setup, "able");
    }

    [Fact]
    public async Task A_worker_whose_engine_throws_on_a_shard_answers_that_the_shard_failed_and_keeps_its_model()
    {
        var (coordinator, setup) = StartCoordinator();

        await FinishesWithTheFaultFreeBits(coordinator, setup, "flaky", config => new FailingEngine(GradientEngines.Create(config), failingGradient: 2));
    }

    [Fact]
    public async Task A_worker_that_fails_outside_a_shard_says_why_and_leaves_and_the_run_finishes_with_the_others_bits()
    {
        var (coordinator, setup) = StartCoordinator();
        var left = StartAndExpectToLeave(coordinator, config => new FailingEngine(GradientEngines.Create(config), failsSettingWeights: true));

        Assert.Equal(("failed while handling WeightsUpdate: weights cannot be set (test)", WorkerStopKind.Failed), (left.Reason, left.Kind));
        await FinishesWithTheFaultFreeBits(coordinator, setup, "able");
    }

    private (IActorRef Coordinator, TrainingSetup Setup) StartCoordinator() =>
        InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), Steps, minWorkers: 1);

    /// <summary>Starts a worker with <paramref name="engines"/> and waits for it to stop by itself.</summary>
    private TrainingWorker.WorkerStopped StartAndExpectToLeave(IActorRef coordinator, Func<ModelConfig, IGradientEngine> engines)
    {
        var stopped = CreateTestProbe();
        Sys.EventStream.Subscribe(stopped.Ref, typeof(TrainingWorker.WorkerStopped));
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("leaving"), engines, coordinator), "leaving");
        return stopped.ExpectMsg<TrainingWorker.WorkerStopped>(TimeSpan.FromMinutes(1));
    }

    /// <summary>A worker (the real engine unless <paramref name="engines"/> says otherwise) finishes the run, with the bits of a fault-free one.</summary>
    private async Task FinishesWithTheFaultFreeBits(IActorRef coordinator, TrainingSetup setup, string worker, Func<ModelConfig, IGradientEngine>? engines = null)
    {
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings(worker), engines ?? GradientEngines.Create, coordinator), worker);
        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), TimeSpan.FromMinutes(2));
        Assert.False(summary.Failed, summary.Reason);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), Steps), workers: 1);
        Assert.Equal(reference.Weights, setup.Master.Weights);
    }

    [Fact]
    public async Task A_coordinator_that_fails_stops_with_the_reason_in_its_journal_and_the_wait_for_the_run_ends_without_a_summary()
    {
        var options = InProcessTraining.SmallAdding(Path.Combine(_dir, "run"), 6);
        options = options with { Run = options.Run with { LocalWorkers = 1 } };
        var setup = TrainingSetup.Create(options);
        var journal = new FailingJournal(failAtStep: 2);
        var coordinator = Sys.ActorOf(TrainingCoordinator.Props(setup.Plan, setup.Data, setup.Master, journal, "test-run"));
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("worker"), GradientEngines.Create, coordinator), "worker");

        var waiting = CoordinatorRun.AwaitAsync(coordinator, CancellationToken.None, () => "not asked");

        Assert.Same(waiting, await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMinutes(2))));
        Assert.Null(await waiting);
        Assert.Equal(["handling ShardCompleted: No space left on device (test)"], journal.Failures);
    }

    /// <summary>Reports steps until <c>failAtStep</c>, where writing fails as a full disk does.</summary>
    private sealed class FailingJournal(long failAtStep) : ITrainingJournal
    {
        public List<string> Failures { get; } = [];
        public void Step(TrainStepReport report)
        {
            if (report.Step == failAtStep) throw new IOException("No space left on device (test)");
        }
        public void Evaluated(EvalReport report) { }
        public void Checkpoint(long step, bool isBest) { }
        public void Finished(RunSummary summary) { }
        public void Failed(string doing, Exception error) => Failures.Add($"{doing}: {error.Message}");
    }

    /// <summary>
    /// The real engine, except that its <paramref name="failingGradient"/>-th gradient throws (as a libtorch error would),
    /// or that setting weights throws (a bug outside a shard's computation).
    /// </summary>
    private sealed class FailingEngine(IGradientEngine inner, int failingGradient = 0, bool failsSettingWeights = false) : IGradientEngine
    {
        private int _gradients;
        public ModelConfig Config => inner.Config;
        public ParameterLayout Layout => inner.Layout;
        public void SetWeights(ReadOnlySpan<float> flat)
        {
            if (failsSettingWeights) throw new InvalidOperationException("weights cannot be set (test)");
            inner.SetWeights(flat);
        }
        public ShardResult ComputeGradient(Batch shard) =>
            ++_gradients == failingGradient ? throw new InvalidOperationException("a libtorch error (test)") : inner.ComputeGradient(shard);
        public (double LossSum, long Count) Evaluate(Batch shard) => inner.Evaluate(shard);
        public float[] Forward(Batch batch) => inner.Forward(batch);
        public void Dispose() => inner.Dispose();
    }
}
