using System.Globalization;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Transport.Security;
using AttnRnnCluster.Worker.Training;
using Serilog;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>
/// The coordinator as the seed of an Akka.Cluster: it listens on --hostname:--port (advertising
/// --public-hostname when given), joins itself, and waits for --min-workers workers (local ones included)
/// before training starts. Its connections are secured as <see cref="CoordinatorSecurity"/> decided (a null TLS:
/// --insecure). When the run ends the workers are told, and the node leaves the cluster.
/// </summary>
public static class ClusterRun
{
    /// <param name="started">Told the actor system once it exists (the HTTP surface's probes watch it).</param>
    /// <returns>The run's summary, or null when the coordinator actor ended without one (<see cref="CoordinatorRun"/>).</returns>
    public static async Task<RunSummary?> RunAsync(TrainingPlan plan, IDataSource data, MasterState master, ITrainingJournal journal,
        TrainingOptions options, ClusterTls? tls, string workerSecurityOptions, CancellationToken stopping, Func<string> stopReason,
        Action<Akka.Actor.ActorSystem>? started = null)
    {
        var cluster = options.Cluster;
        string advertised = cluster.PublicHostname ?? cluster.Hostname;
        string self = ClusterTls.SeedAddress($"akka.tcp://{ActorNames.System}@{advertised}:{cluster.Port.ToString(CultureInfo.InvariantCulture)}", tls != null);
        var node = new ClusterNodeConfig(ClusterRoles.Coordinator, cluster.Hostname, cluster.Port, cluster.PublicHostname, [self]) { BulkPort = cluster.BulkPort, MaxIncomingMib = cluster.MaxIncomingMib };
        var system = NodeConfig.Create(NodeConfig.ClusterNode(node), tls);
        started?.Invoke(system);
        try
        {
            system.ActorOf(MembershipLogger.Props(), MembershipLogger.Name);
            var coordinator = system.ActorOf(TrainingCoordinator.Props(plan, data, master, journal, RunIds.New(), options.Run.InjectCoordinatorFault), ActorNames.Coordinator);
            for (int i = 1; i <= options.Run.LocalWorkers; i++)
                system.ActorOf(TrainingWorker.Props(new WorkerSettings($"local-{i}", options.Run.Threads), config => GradientEngines.Create(config, options.Run.Threads), coordinator), $"worker-{i}");
            Log.Information("Coordinator listening at {Address:l}{Tls:l}; workers join with --seed-nodes {Address:l} {Security:l}",
                self, tls != null ? " with " + tls.Mode : " without authentication (--insecure)", self, workerSecurityOptions);
            return await CoordinatorRun.AwaitAsync(coordinator, stopping, stopReason);
        }
        finally
        {
            // Leaving tells the workers' nodes at once that this one is gone, instead of after their failure detectors.
            await CoordinatorRun.Bounded(Akka.Cluster.Cluster.Get(system).LeaveAsync());
            await CoordinatorRun.Bounded(system.Terminate());
        }
    }
}
