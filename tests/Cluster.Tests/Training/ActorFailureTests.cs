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

    [Fact]
    public async Task A_worker_that_cannot_build_the_model_says_why_and_leaves_and_the_run_finishes_with_the_others_bits()
    {
        var (coordinator, setup) = InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), steps: 4, minWorkers: 1);
        var stopped = CreateTestProbe();
        Sys.EventStream.Subscribe(stopped.Ref, typeof(TrainingWorker.WorkerStopped));
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("unable"),
            _ => throw new InvalidOperationException("not enough memory for the model (test)"), coordinator), "unable");
        var left = stopped.ExpectMsg<TrainingWorker.WorkerStopped>(TimeSpan.FromMinutes(1));
        Assert.Equal(WorkerStopKind.Failed, left.Kind);
        Assert.Equal("cannot build the model of run test-run: not enough memory for the model (test)", left.Reason);

        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("able"), GradientEngines.Create, coordinator), "able");

        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), TimeSpan.FromMinutes(2));
        Assert.False(summary.Failed, summary.Reason);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), 4), workers: 1);
        Assert.Equal(reference.Weights, setup.Master.Weights);
    }

    [Fact]
    public async Task A_worker_whose_engine_throws_on_a_shard_answers_that_the_shard_failed_and_keeps_its_model()
    {
        var (coordinator, setup) = InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), steps: 4, minWorkers: 1);
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("flaky"), config => new ThrowsOnce(GradientEngines.Create(config)), coordinator), "flaky");

        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), TimeSpan.FromMinutes(2));

        Assert.False(summary.Failed, summary.Reason);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), 4), workers: 1);
        Assert.Equal(reference.Weights, setup.Master.Weights);
    }

    [Fact]
    public async Task A_worker_that_fails_outside_a_shard_says_why_and_leaves_and_the_run_finishes_with_the_others_bits()
    {
        var (coordinator, setup) = InProcessTraining.StartCoordinator(Sys, Path.Combine(_dir, "run"), steps: 4, minWorkers: 1);
        var stopped = CreateTestProbe();
        Sys.EventStream.Subscribe(stopped.Ref, typeof(TrainingWorker.WorkerStopped));
        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("broken"), config => new RefusesWeights(GradientEngines.Create(config)), coordinator), "broken");
        var left = stopped.ExpectMsg<TrainingWorker.WorkerStopped>(TimeSpan.FromMinutes(1));
        Assert.Equal(("failed while handling WeightsUpdate: weights cannot be set (test)", WorkerStopKind.Failed), (left.Reason, left.Kind));

        Sys.ActorOf(TrainingWorker.Props(new WorkerSettings("able"), GradientEngines.Create, coordinator), "able");

        var summary = await coordinator.Ask<RunSummary>(new TrainingCoordinator.AwaitCompletion(), TimeSpan.FromMinutes(2));
        Assert.False(summary.Failed, summary.Reason);
        var reference = await InProcessTraining.RunAsync(InProcessTraining.SmallAdding(Path.Combine(_dir, "reference"), 4), workers: 1);
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

    /// <summary>The real engine, except that setting weights throws, as a bug outside a shard's computation would.</summary>
    private sealed class RefusesWeights(IGradientEngine inner) : IGradientEngine
    {
        public ModelConfig Config => inner.Config;
        public ParameterLayout Layout => inner.Layout;
        public void SetWeights(ReadOnlySpan<float> flat) => throw new InvalidOperationException("weights cannot be set (test)");
        public ShardResult ComputeGradient(Batch shard) => inner.ComputeGradient(shard);
        public (double LossSum, long Count) Evaluate(Batch shard) => inner.Evaluate(shard);
        public float[] Forward(Batch batch) => inner.Forward(batch);
        public void Dispose() => inner.Dispose();
    }

    /// <summary>The real engine, except that its second gradient throws, as a libtorch error would.</summary>
    private sealed class ThrowsOnce(IGradientEngine inner) : IGradientEngine
    {
        private int _calls;
        public ModelConfig Config => inner.Config;
        public ParameterLayout Layout => inner.Layout;
        public void SetWeights(ReadOnlySpan<float> flat) => inner.SetWeights(flat);
        public ShardResult ComputeGradient(Batch shard) =>
            ++_calls == 2 ? throw new InvalidOperationException("a libtorch error (test)") : inner.ComputeGradient(shard);
        public (double LossSum, long Count) Evaluate(Batch shard) => inner.Evaluate(shard);
        public float[] Forward(Batch batch) => inner.Forward(batch);
        public void Dispose() => inner.Dispose();
    }
}
