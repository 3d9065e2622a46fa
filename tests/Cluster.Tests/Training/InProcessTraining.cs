using Akka.Actor;
using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Hosting;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Model.Network;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>A real in-process run (actor system, coordinator, N worker actors, TorchSharp) with a small model.</summary>
public static class InProcessTraining
{
    public sealed record Outcome(float[] Weights, IReadOnlyList<TrainStepReport> Steps, IReadOnlyList<EvalReport> Evals, RunSummary Summary);

    /// <summary>Adding, T=12, H=8, global batch 24 in micro-shards of 5 (the last shard smaller), Adam.</summary>
    public static TrainingOptions SmallAdding(string runFolder, int steps) => new()
    {
        Data = new DataOptions { Task = TaskKind.Adding, SeqLen = 12, HeldOut = 40 },
        Model = new ModelOptions { Hidden = 8 },
        Optimization = new OptimizationOptions { Batch = 24, MicroBatch = 5, Steps = steps, TargetLoss = 0, Seed = 11 },
        Run = new RunOptions { Out = runFolder, EvalEvery = 3, CheckpointEvery = 5, LocalWorkers = 2 },
    };

    /// <summary>
    /// A coordinator actor for <see cref="SmallAdding"/> in <paramref name="system"/>, with no workers: the test brings
    /// them (probes or real worker actors).
    /// </summary>
    public static (IActorRef Coordinator, TrainingSetup Setup) StartCoordinator(ActorSystem system, string runFolder, int steps, int minWorkers,
        Func<TrainingPlan, TrainingPlan>? adjust = null)
    {
        var options = SmallAdding(runFolder, steps);
        options = options with { Run = options.Run with { LocalWorkers = minWorkers } };
        var setup = TrainingSetup.Create(options);
        var journal = new RecordingJournal(setup, options);
        var plan = adjust?.Invoke(setup.Plan) ?? setup.Plan;
        return (system.ActorOf(TrainingCoordinator.Props(plan, setup.Data, setup.Master, journal, "test-run")), setup);
    }

    public static async Task<Outcome> RunAsync(TrainingOptions options, int workers, string? extraHocon = null)
    {
        options = options with { Run = options.Run with { LocalWorkers = workers } };
        var setup = TrainingSetup.Create(options);
        var journal = new RecordingJournal(setup, options);
        var summary = await InProcessRun.RunAsync(setup.Plan, setup.Data, setup.Master, journal, workers, threads: 1,
            GradientEngines.Create, extraHocon);
        return new Outcome((float[])setup.Master.Weights.Clone(), journal.Steps, journal.Evals,
            summary ?? throw new InvalidOperationException("the coordinator ended without a summary"));
    }

    /// <summary>Keeps every report in memory and writes real checkpoints into the run folder.</summary>
    public sealed class RecordingJournal(TrainingSetup setup, TrainingOptions options) : ITrainingJournal
    {
        private readonly CheckpointKeeper _keeper = new(Path.Combine(options.Run.Out!, "checkpoints"), 10,
            path => setup.Master.Save(path, setup.Plan.Seed, setup.Data.Vocabulary?.Entries));

        public List<TrainStepReport> Steps { get; } = [];
        public List<EvalReport> Evals { get; } = [];
        public void Step(TrainStepReport report) => Steps.Add(report);
        public void Evaluated(EvalReport report) => Evals.Add(report);
        public void Checkpoint(long step, bool isBest) => _keeper.Save(step, isBest);
        public List<string> Failures { get; } = [];
        public void Finished(RunSummary summary) { }
        public void Failed(string doing, Exception error) => Failures.Add($"{doing}: {error.Message}");
    }
}
