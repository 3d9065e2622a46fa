using AttnRnnCluster.Shared.Transfer;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// The coordinator runs on the thread pool, except that a worker's result arriving on a message lane is processed on
/// that lane's reading thread: at the step's barrier this saves one thread wake-up before the new weights go out.
/// </summary>
public static class CoordinatorDispatcher
{
    public const string Id = "attnrnn.coordinator-dispatcher";

    public static readonly string Hocon = LaneInlineDispatcherConfigurator.Hocon(Id, threadPerActor: false);
}
