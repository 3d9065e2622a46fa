using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>
/// The whole run in one process: one actor system with no remoting (nothing listens on the network), the
/// coordinator and N local worker actors. Returns null when the coordinator actor ended without a summary
/// (<see cref="CoordinatorRun"/>). <c>started</c> is told the actor system once it exists (the HTTP surface's probes).
/// </summary>
public static class InProcessRun
{
    public static async Task<RunSummary?> RunAsync(
        TrainingPlan plan, IDataSource data, MasterState master, ITrainingJournal journal,
        int localWorkers, int threads, Func<ModelConfig, IGradientEngine> engineFactory,
        string? extraHocon = null, CancellationToken stopping = default, CoordinatorFault fault = CoordinatorFault.None,
        Action<Akka.Actor.ActorSystem>? started = null)
    {
        var system = NodeConfig.Create(NodeConfig.InProcess(extraHocon));
        started?.Invoke(system);
        try
        {
            var coordinator = system.ActorOf(TrainingCoordinator.Props(plan, data, master, journal, RunIds.New(), fault), ActorNames.Coordinator);
            for (int i = 1; i <= localWorkers; i++)
                system.ActorOf(TrainingWorker.Props(new WorkerSettings($"local-{i}", threads), engineFactory, coordinator), $"worker-{i}");
            return await CoordinatorRun.AwaitAsync(coordinator, stopping, () => "stopped on request");
        }
        finally
        {
            await CoordinatorRun.Bounded(system.Terminate());
        }
    }
}

/// <summary>Run identifiers: sortable by time, unique enough to tell runs apart in logs.</summary>
public static class RunIds
{
    public static string New() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
