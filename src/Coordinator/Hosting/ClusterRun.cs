using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Shared.Configuration;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>The coordinator as the seed of an Akka.Cluster that remote workers join.</summary>
public static class ClusterRun
{
    public static Task<RunSummary> RunAsync(TrainingSetup setup, RunJournal journal, TrainingOptions options, CancellationToken cancel) =>
        throw new NotSupportedException("cluster mode (--port) is not available yet");
}
