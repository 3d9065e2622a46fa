using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Cluster.Tests.Live;

/// <summary>Step reports as the loop makes them, with figures derived from the step so each is recognisable.</summary>
internal static class Reports
{
    public static TrainStepReport Step(long step, IReadOnlyList<WorkerStatus>? workers = null, double? tokensPerSecond = null) =>
        new(step, Loss: 1.0 / step, ExamplesPerSecond: 1000 + step, tokensPerSecond, StepMs: 20, ComputeSlowestMs: 15, ComputeMedianMs: 12,
            WaitingMs: 3, ReduceAndOptimizerMs: 1.5, BroadcastMs: 0.5, Workers: workers?.Count ?? 2, LearningRate: 2e-3, GradientNorm: 0.25,
            Eta: TimeSpan.FromSeconds(90))
        {
            WorkerTable = workers ?? [],
        };
}
