using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Shared.Configuration;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>The coordinator as the seed of an Akka.Cluster that remote workers join (issue #5: not yet built).</summary>
public static class ClusterRun
{
    public const string NotYetAvailable =
        "--port: cluster mode (remote workers over Akka.Cluster) is not available in this version; run without --port to train in one process";

    public static Task<RunSummary> RunAsync(TrainingSetup setup, RunJournal journal, TrainingOptions options, CancellationToken cancel) =>
        throw new ArgumentException(NotYetAvailable);
}
