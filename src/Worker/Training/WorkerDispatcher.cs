using AttnRnnCluster.Shared.Transfer;

namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// Workers block their thread while TorchSharp computes; each gets a thread of its own so that Akka's
/// heartbeats, the coordinator and the other workers never wait behind a computation. A message that arrives on a
/// message lane (weights, shards) is computed on that lane's reading thread instead, which saves waking this one.
/// </summary>
public static class WorkerDispatcher
{
    public const string Id = "attnrnn.worker-dispatcher";

    public static readonly string Hocon = LaneInlineDispatcherConfigurator.Hocon(Id, threadPerActor: true);
}
