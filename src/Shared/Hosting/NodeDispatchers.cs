using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Hosting;

/// <summary>
/// Where the coordinator and the workers run. Both are <see cref="LaneInlineDispatcher"/>s: a message that arrives
/// on a message lane is processed by the lane's reading thread, which saves one thread wake-up on each side of the
/// step's barrier (the result in, the weights out). Everything else runs on the usual executor:
/// <list type="bullet">
/// <item>the coordinator on the thread pool;</item>
/// <item>each worker on a thread of its own, because TorchSharp blocks it while it computes, and Akka's heartbeats,
/// the coordinator and the other workers must never wait behind a computation.</item>
/// </list>
/// </summary>
public static class NodeDispatchers
{
    public const string Coordinator = "attnrnn.coordinator-dispatcher";

    public const string Worker = "attnrnn.worker-dispatcher";

    public static readonly string Hocon =
        LaneInlineDispatcherConfigurator.Hocon(Coordinator, threadPerActor: false) + "\n" +
        LaneInlineDispatcherConfigurator.Hocon(Worker, threadPerActor: true);
}
